// The procedure reader: every paragraph linkable (/procedure#<paragraph id>), searchable,
// with the glossary and the checklist questions that cite each paragraph.
import { h, replace } from "../dom.js";
import * as procedure from "../procedure.js";
import { reviewWords } from "./decides.js";
import { citations } from "./questions.js";
import { can, READ_QUEUE } from "../capabilities.js";

const FIRST_DRAWN = 3; // paragraphs drawn with the page: about the first screen of a phone

export async function render(main, ctx) {
  let document;
  try {
    document = await procedure.current();
  } catch (error) {
    replace(main, h("div", { class: "page" }, h("h1", {}, "The procedure"),
      h("p", {}, "The procedure is not on this phone yet. Open SafeVisit once with a connection.")));
    return;
  }
  const askedBy = new Map();
  for (const q of procedure.questions(document)) {
    for (const pid of q.paragraphs) askedBy.set(pid, [...(askedBy.get(pid) || []), q.label]);
  }
  const count = h("p", { class: "muted", id: "search-count", role: "status" });
  const search = h("input", { type: "search", id: "search", autocomplete: "off",
    "aria-describedby": "search-count", enterkeyhint: "search" });

  // The first paragraphs are drawn with the page; the rest follow in small tasks, so the first
  // screen does not wait for the whole chapter and a tap is never held up behind it.
  const paragraphList = h("section", { "aria-labelledby": "paragraphs-title" },
    h("h2", { id: "paragraphs-title" }, "Paragraphs"));
  const glossaryList = h("dl", { class: "card glossary" });
  const articles = document.paragraphs.map((p) => ({
    text: [p.summary, ...p.topics, ...(askedBy.get(p.id) || [])].join(" ").toLowerCase(),
    parent: paragraphList,
    make: () => h("article", { class: "card paragraph", id: p.id, tabindex: "-1",
      "aria-labelledby": `${p.id}-title` },
    h("h3", { id: `${p.id}-title` },
      h("a", { href: `/procedure#${p.id}`, class: "anchor",
        "aria-label": `Paragraph ${p.number}, link to this paragraph` }, `¶${p.number}`)),
    h("p", {}, p.summary),
    h("p", { class: "topics" }, p.topics.map((t) => h("span", { class: "tag" }, t))),
    askedBy.has(p.id) ? h("details", {}, h("summary", {}, `Asked in the checklist (${askedBy.get(p.id).length})`),
      h("ul", {}, askedBy.get(p.id).map((label) => h("li", {}, label)))) : null),
  }));
  const byId = procedure.paragraphsById(document);
  const terms = document.glossary.map((g) => ({
    text: `${g.term} ${g.definition}`.toLowerCase(),
    parent: glossaryList,
    make: () => h("div", { class: "term" }, h("dt", {}, g.term), h("dd", {}, g.definition, citations(g.paragraphs, byId))),
  }));
  const items = [...articles, ...terms];
  let drawn = 0;
  let words = [];
  const matches = (item) => words.every((w) => item.text.includes(w));
  function draw(upTo) {
    for (; drawn < Math.min(upTo, items.length); drawn += 1) {
      const item = items[drawn];
      item.el = item.make();
      item.el.hidden = !matches(item);
      item.parent.append(item.el);
    }
  }
  let timer = null;
  function drawRest() {
    const until = performance.now() + 8;
    while (drawn < items.length && performance.now() < until) draw(drawn + 1);
    timer = drawn < items.length ? setTimeout(drawRest, 0) : null;
  }

  function filter() {
    words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    draw(items.length);
    let shown = 0;
    for (const item of items) {
      item.el.hidden = !matches(item);
      if (!item.el.hidden) shown += 1;
    }
    count.textContent = words.length ? `${shown} match${shown === 1 ? "" : "es"}` : "";
  }
  search.addEventListener("input", filter);

  draw(FIRST_DRAWN);
  replace(main, h("div", { class: "page" },
    h("h1", {}, document.title),
    h("p", { class: "muted" }, `${procedure.versionLabel(document)}, updated ${document.updated}. ${document.source.publisher}.`),
    h("p", { class: "note" }, document.source.note),
    h("p", { class: "review", id: "review" }, h("strong", {}, "Review of SafeVisit's rules: "), reviewWords(document)),
    h("p", {}, h("a", { href: "/procedure/decides", class: "btn" }, "How SafeVisit decides")),
    can(ctx.user, READ_QUEUE)
      ? h("p", {}, h("a", { href: "/rechecks" }, "Concerns to look at again under a newer revision")) : null,
    h("div", { class: "field search" }, h("label", { for: "search" }, "Search the procedure"), search, count),
    paragraphList,
    h("section", { "aria-labelledby": "glossary-title" },
      h("h2", { id: "glossary-title" }, "Glossary"), glossaryList)));
  timer = setTimeout(drawRest, 0);
  ctx.onLeave(() => clearTimeout(timer));

  const showTarget = () => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    draw(items.length); // a link to the last paragraph finds it at once
    const target = main.querySelector(`article[id="${CSS.escape(id)}"]`);
    if (!target) return;
    search.value = "";
    filter();
    for (const a of articles) a.el.classList.toggle("is-target", a.el === target);
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", showTarget);
  ctx.onLeave(() => window.removeEventListener("hashchange", showTarget));
  showTarget();
}
