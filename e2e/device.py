"""Looking at what the phone stores, the way someone holding it could: IndexedDB opened raw
(not through the app) and the Cache API, every value flattened to text, binary included."""
import re

from playwright.sync_api import expect

from .conftest import DEADLINE_MS

# Every database, every store, every key and value; bytes as Latin-1 so a plaintext that
# slipped into a buffer would still be found.
DUMP_INDEXEDDB = """async () => {
  const flat = (value) => {
    if (value instanceof ArrayBuffer) value = new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return String.fromCharCode(...new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (value instanceof CryptoKey) return '[CryptoKey ' + value.type + ']';
    if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => k + '=' + flat(v)).join(' ');
    return String(value);
  };
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const out = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await request(indexedDB.open(name));
    for (const store of db.objectStoreNames) {
      const tx = db.transaction(store);
      const [keys, values] = await Promise.all([request(tx.objectStore(store).getAllKeys()), request(tx.objectStore(store).getAll())]);
      out[name + '/' + store] = keys.map((k, i) => flat(k) + ' => ' + flat(values[i]));
    }
    db.close();
  }
  return out;
}"""

DUMP_CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out[name].push(request.url + ' ' + await response.text());
    }
  }
  return out;
}"""


def indexeddb(page) -> dict[str, list[str]]:
    return page.evaluate(DUMP_INDEXEDDB)


def found_in(dump: dict[str, list[str]], secrets) -> list[str]:
    """Which of `secrets` appear anywhere in a dump, and where."""
    return [f"{secret!r} in {where}" for where, rows in dump.items() for row in rows
            for secret in secrets if secret in row]


def fill_concern(page, case_reference, note):
    page.get_by_role("link", name="Start a home-visit checklist").click()
    page.get_by_label("Case reference").fill(case_reference)
    page.get_by_label("Child's age").fill("13")
    page.get_by_role("group", name=re.compile("being groomed")).get_by_label("Yes").check()
    page.get_by_role("textbox", name="Your assessment").fill(note)
    expect(page.locator(".saved")).to_contain_text("Saved on this phone at")


def submit_concern(page):
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit concern").click()
    page.get_by_role("heading", level=1, name="Hello").wait_for(timeout=DEADLINE_MS)


def go_home(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.get_by_role("heading", level=1, name="Hello").wait_for(timeout=DEADLINE_MS)


def outbox_keys(page) -> list[str]:
    """The change ids queued on the phone (keys are in clear: they identify nothing)."""
    return sorted(row.split(" => ")[0] for row in indexeddb(page).get("safevisit/outbox", []))


def draft_ids(page) -> list[str]:
    return sorted(row.split(" => ")[0] for row in indexeddb(page).get("safevisit/drafts", []))
