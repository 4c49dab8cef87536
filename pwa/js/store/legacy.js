// The one migration of the device's data: the first version of the app wrote records in
// clear, and they are sealed once someone unlocks.
import { isSealed } from "../crypto.js";
import { OutboxState } from "../names.js";
import { db } from "./database.js";
import { sealDraft } from "./drafts.js";
import { getMeta, setMeta, setSecret } from "./meta.js";
import { sealItem } from "./outbox.js";

// Set once every record is sealed: every write since the first version seals, so one pass is
// enough, and an unlock need not read every draft and queued concern to look (a slow unlock
// on a phone with many drafts).
const LEGACY_SEALED = "legacySealed";

/** Records written in clear by the first version of the app are encrypted once unlocked. */
export async function sealLegacy() {
  if (await getMeta(LEGACY_SEALED)) return;
  const database = await db();
  for (const record of await database.getAll("drafts")) {
    if (!record.sealed) await database.put("drafts", await sealDraft(record));
  }
  for (const record of await database.getAll("outbox")) {
    if (record.sealed) continue;
    const { change_id: changeId, id, queued_at: queuedAt, attempts } = record;
    const change = Object.fromEntries(["id", "change_id", "base_version", "case_reference", "procedure",
      "procedure_version", "answers", "notes", "status"].map((f) => [f, record[f]]));
    await database.put("outbox", await sealItem({ change_id: changeId, id, owner: record.owner ?? null,
      state: OutboxState.WAITING, queued_at: queuedAt, attempts: attempts || 0, next_at: 0, last_error: null, change, problem: null }));
  }
  const user = await database.get("meta", "user");
  if (user && !isSealed(user)) await setSecret("user", user);
  await setMeta(LEGACY_SEALED, true);
}
