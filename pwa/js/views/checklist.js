// The home-visit checklist, drawn from the procedure's template. Every answer is stored on
// the phone as it changes; recommendations are worked out here, offline, as answers come in.
import { announce, confirmDialog, h, replace, when } from "../dom.js";
import { followInPageLinks, keepFocusClear } from "../in-page.js";
import { DraftStatus } from "../names.js";
import * as procedure from "../procedure.js";
import { audienceOf } from "../capabilities.js";
import { evaluate, forAudience, isAnswered, visibleQuestions } from "../rules.js";
import * as store from "../store.js";
import * as sync from "../sync.js";
import { drawActions, guidanceBox } from "./actions.js";
import { callBar } from "./call-bar.js";
import { dutyDeskBox, needsDutyDesk } from "./duty-desk.js";
import { citations, questionField } from "./questions.js";

/** Read ahead while the passcode is checked: the procedure a draft is most likely under. */
export function prepare() {
  return procedure.warm();
}

/** /checklist/new: a fresh draft under the current procedure version, then its page. */
export async function start(main, ctx) {
  const document = await procedure.current();
  const draft = await store.newDraft({ procedure: document.slug,
    procedureVersion: document.version, owner: ctx.user.id });
  return ctx.navigate(`/checklist/${draft.id}`, { replace: true });
}

export async function render(main, ctx) {
  const draft = await store.getDraft(ctx.params[0]);
  if (!draft || draft.owner !== ctx.user.id) {
    replace(main, h("div", { class: "page" }, h("h1", {}, "Draft not found"),
      h("p", {}, "This draft is not on this phone. It may have been sent or deleted."),
      h("a", { href: "/", class: "btn" }, "Back to home")));
    return;
  }
  if (draft.status === DraftStatus.SENT) {
    replace(main, h("div", { class: "page" }, h("h1", {}, `Concern ${draft.case_reference} sent`),
      h("p", {}, `Sent ${when(draft.sent_at)}. Its answers are no longer kept on this phone; your team has them.`),
      h("a", { href: "/", class: "btn" }, "Back to home")));
    return;
  }
  // The draft keeps the version it was started under, even after a newer one arrives. The page
  // is drawn from it at once; whether a newer one is current is asked of the network (through
  // the service worker), which on a poor connection can take seconds, so its notice follows.
  const source = await procedure.version(draft.procedure, draft.procedure_version);
  // A foster carer's checklist leaves out the professionals' questions and actions (and the
  // reverse); the server works the concern out for the same audience.
  const audience = audienceOf(ctx.user);
  const document = forAudience(source, audience);
  const paragraphs = procedure.paragraphsById(document);
  const answers = { ...draft.answers };
  const locked = draft.status !== DraftStatus.DRAFT;
  // Kept on the phone with the signed-in user, so the numbers work offline.
  const team = ctx.user.team || {};
  const guidanceById = new Map((document.guidance || []).map((g) => [g.id, g]));

  const panel = h("section", { class: "card actions-panel", id: "actions",
    "aria-labelledby": "actions-title" });
  // "Phone the duty desk now" and "I have phoned": the call goes into the draft.
  let current = draft;
  const bar = callBar();
  let lastResult = null;
  let lastSummary = null;
  // The bar dials what the box shows: the same desk, changed by the clock at the same moment.
  const refreshBar = () => {
    if (!lastResult) return;
    const urgent = needsDutyDesk(lastResult);
    bar.update({ needsCall: urgent, danger: desk.danger(), choice: desk.choice(),
      summary: urgent ? `Phone the duty desk now. ${lastSummary}` : lastSummary });
  };
  const desk = dutyDeskBox({ team, locked, draft: () => current, onChoice: () => refreshBar(),
    record: async (call) => { current = await store.saveDutyCall(draft.id, call); } });
  ctx.onLeave(() => { desk.stop(); bar.stop(); }); // it follows the clock while the page is open
  const about = Object.fromEntries(document.actions.map((a) => [a.id, a]));
  const errorSummary = h("div", { class: "error-summary", role: "alert", tabindex: "-1", hidden: true });
  const saved = h("p", { class: "saved muted", role: "status" }, "Saved on this phone");
  // A failed local write (storage full) is said out loud and stays until a write succeeds.
  const saveError = h("p", { class: "form-error", role: "alert", id: "save-error" });
  const fields = new Map();
  const sections = new Map();
  const newerVersion = h("div", { id: "newer-version" }); // versionNotice, once the network answers

  const save = (questionId) => async (value) => {
    if (value === undefined) delete answers[questionId];
    else answers[questionId] = value;
    const field = fields.get(questionId);
    if (!field.invalid) field.showError("");
    // The answer is on its way to the phone's storage before the recommendations are worked
    // out again: a tab closed straight after typing still keeps it, and the status says so.
    saved.textContent = "Saving on this phone…";
    const saving = store.saveAnswer(draft.id, questionId, value);
    update();
    try {
      await saving;
    } catch (error) {
      saveError.textContent = store.storageProblem(error);
      saved.textContent = "Not saved";
      return;
    }
    saveError.textContent = "";
    saved.textContent = `Saved on this phone at ${new Date().toLocaleTimeString("en-GB",
      { hour: "2-digit", minute: "2-digit" })}`;
  };

  const form = h("form", { class: "checklist", novalidate: true, onsubmit: (e) => submit(e) },
    errorSummary,
    // Immediate danger first, then what the procedure recommends and what is still to answer,
    // then the other sections, each of which folds to its heading.
    document.checklist.sections.map((section, index) => [sectionCard(section, index), index === 0 ? panel : null]),
    locked ? null : h("div", { class: "submit-bar" },
      h("button", { type: "submit", class: "btn btn-block btn-primary-lg" }, "Submit concern"),
      h("p", { class: "muted" }, "Sent to your team now, or when you are next online.")));
  if (locked) for (const el of form.elements) el.disabled = true;

  function sectionCard(section, index) {
    const bodyId = `sb-${section.id}`;
    const status = h("span", { class: "section-status" });
    // The first section (immediate danger) never folds away.
    const toggle = index === 0 ? null : h("button", { type: "button", class: "section-toggle",
      "aria-expanded": "true", "aria-controls": bodyId, onclick: () => fold(section.id, toggle.getAttribute("aria-expanded") === "true") },
    h("span", { class: "section-title" }, section.title), status);
    const el = h("section", { class: "card checklist-section", "aria-labelledby": `s-${section.id}`,
      "data-section": section.id },
    h("h2", { id: `s-${section.id}` }, toggle || section.title),
    h("div", { class: "section-body", id: bodyId },
      citations(section.paragraphs, paragraphs),
      // Whenever images come up, how to handle them comes with the questions.
      (section.guidance || []).map((id) => guidanceBox(guidanceById.get(id))),
      section.questions.map((question) => {
        const field = questionField(question, answers[question.id], paragraphs, save(question.id));
        fields.set(question.id, field);
        return field;
      })));
    sections.set(section.id, { el, toggle, status, body: el.querySelector(".section-body") });
    return el;
  }

  function fold(sectionId, folded) {
    const { toggle, body } = sections.get(sectionId);
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", String(!folded));
    body.hidden = folded;
  }

  // A link to a question in a folded section opens the section first (in-page.js).
  const reveal = (target) => {
    const section = target.closest("[data-section]");
    if (section) fold(section.dataset.section, false);
  };

  let danger = false;
  function update() {
    const shown = new Set(visibleQuestions(document, answers).map((q) => q.id));
    for (const [id, field] of fields) field.hidden = !shown.has(id);
    for (const section of document.checklist.sections) {
      const visible = section.questions.filter((q) => shown.has(q.id));
      const { el, status } = sections.get(section.id);
      el.hidden = !visible.length;
      status.textContent = `${visible.filter((q) => isAnswered(answers[q.id])).length} of ${visible.length} answered`;
    }
    const result = evaluate(document, answers, { audience });
    desk.update(result, paragraphs);
    // In danger everything else can wait: the other sections fold to their headings, so the
    // calls are what the screen shows. Each opens again with one tap.
    const nowDanger = result.actions.some((a) => a.action === "call-999");
    if (nowDanger && !danger) for (const section of document.checklist.sections) fold(section.id, true);
    danger = nowDanger;
    // In the panel only while it applies: otherwise the panel starts as it always did.
    const summary = drawActions(panel, result, paragraphs, team, needsDutyDesk(result) ? desk.element : null, about);
    if (lastSummary !== null && summary !== lastSummary) announce(summary);
    lastSummary = summary;
    lastResult = result;
    refreshBar();
  }

  async function submit(event) {
    event.preventDefault();
    const problems = visibleQuestions(document, answers)
      .filter((q) => (q.required && !isAnswered(answers[q.id])) || fields.get(q.id).invalid);
    if (problems.length) {
      for (const q of problems) reveal(fields.get(q.id)); // a folded section opens on its error
      for (const q of problems) {
        if (!fields.get(q.id).invalid) fields.get(q.id).showError("Answer this before you submit.");
      }
      replace(errorSummary, h("h2", {}, "Some answers need attention"),
        h("ul", {}, problems.map((q) => h("li", {}, h("a", { href: `#q-${q.id}` }, q.label)))));
      errorSummary.hidden = false;
      errorSummary.scrollIntoView({ block: "start" });
      errorSummary.focus({ preventScroll: true });
      return;
    }
    errorSummary.hidden = true;
    // A decisive question left unanswered is never silently "no": the worker confirms it,
    // and the concern records that they chose to submit without it.
    const gaps = evaluate(document, answers, { audience }).needs;
    const sure = await confirmDialog(gaps.length ? {
      title: `Submit without ${gaps.length === 1 ? "this answer" : "these answers"}?`,
      body: `${gaps.map((n) => `“${n.label}” is not answered. ${n.because}`).join(" ")} ` +
        "Your team will see that you chose to submit without it. Cancel to answer it first.",
      confirm: "Submit concern" } : { title: "Submit this concern?",
      body: `The concern for ${answers.case_reference} goes to your team now, or as soon as this phone is back online.`,
      confirm: "Submit concern" });
    if (!sure) return;
    await store.idle();
    try {
      await store.queueSubmission(draft.id, { submittedWithout: gaps.map((n) => n.question) });
    } catch (error) {
      saveError.textContent = store.storageProblem(error);
      saveError.scrollIntoView({ block: "center" });
      return;
    }
    sync.registerBackgroundSync();
    sync.flush({ ignoreBackoff: true });
    const count = await store.outboxCount();
    await ctx.navigate("/");
    announce(`Concern queued. ${count} waiting to send.`);
  }

  const page = h("div", { class: "page checklist-page" },
    h("h1", {}, locked ? "Concern waiting to send" : "Home-visit checklist"),
    h("p", { class: "muted", id: "procedure-version" }, `${document.title}, ${procedure.versionLabel(document)} (${document.updated}).`),
    newerVersion,
    saved,
    saveError,
    // Fixed to the screen, but first in the page: its 999 is the first number a reader meets.
    bar.element,
    form);
  // The bar's, "Still to answer" and the error summary's links move to and focus their target.
  followInPageLinks(page, reveal);
  keepFocusClear(page);
  replace(main, page);
  update();
  procedure.current(draft.procedure).then((latest) => {
    if (main.contains(newerVersion)) replace(newerVersion, versionNotice(draft, source, latest));
  }).catch(() => {}); // offline with no stored copy: the draft's own version is all there is
  // The summary points at the panel, so it steps aside once the panel itself is on screen.
  const observer = new IntersectionObserver(([entry]) => bar.panelVisible(entry.isIntersecting));
  observer.observe(panel);
  ctx.onLeave(() => observer.disconnect());
  // Read by bench/pwa.py: navigation start to a checklist that can be answered.
  performance.mark("safevisit:checklist-ready");
}

function versionNotice(draft, document, latest) {
  if (latest.version === document.version) return null;
  const changes = procedure.changedQuestions(document, latest);
  const verb = { changed: "Changed", added: "New", removed: "Removed" };
  return h("section", { class: "notice", "aria-labelledby": "version-title" },
    h("h2", { id: "version-title" }, `Version ${latest.version} of the procedure is now current`),
    h("p", {}, `This draft was started under version ${draft.procedure_version} and keeps it. ` +
      (latest.revision ? `${procedure.versionLabel(latest)} changes how SafeVisit encodes the chapter. ` : "") +
      (changes.length ? "These questions differ in the new version:" : "No questions differ.")),
    changes.length ? h("ul", {}, changes.map((c) => h("li", { "data-change": c.id },
      h("strong", {}, `${verb[c.change]}: `), c.label))) : null,
    latest.changes?.length ? h("details", {}, h("summary", {}, "What changed in the encoding"),
      h("ul", {}, latest.changes.map((text) => h("li", {}, text)))) : null);
}
