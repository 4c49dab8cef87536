// The procedure reader: every paragraph linkable (/procedure#<paragraph id>), searchable,
// with the glossary and the checklist questions that cite each paragraph.
import { h, replace } from "../dom.js";
import * as procedure from "../procedure.js";
import { reviewWords } from "./decides.js";
import { citations } from "./questions.js";
import { can, READ_QUEUE } from "../capabilities.js";

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

  const articles = document.paragraphs.map((p) => {
    const text = [p.summary, ...p.topics, ...(askedBy.get(p.id) || [])].join(" ").toLowerCase();
    const el = h("article", { class: "card paragraph", id: p.id, tabindex: "-1",
      "aria-labelledby": `${p.id}-title` },
    h("h3", { id: `${p.id}-title` },
      h("a", { href: `/procedure#${p.id}`, class: "anchor",
        "aria-label": `Paragraph ${p.number}, link to this paragraph` }, `¶${p.number}`)),
    h("p", {}, p.summary),
    h("p", { class: "topics" }, p.topics.map((t) => h("span", { class: "tag" }, t))),
    askedBy.has(p.id) ? h("details", {}, h("summary", {}, `Asked in the checklist (${askedBy.get(p.id).length})`),
      h("ul", {}, askedBy.get(p.id).map((label) => h("li", {}, label)))) : null);
    return { el, text };
  });
  const terms = document.glossary.map((g) => {
    const text = `${g.term} ${g.definition}`.toLowerCase();
    const el = h("div", { class: "term" }, h("dt", {}, g.term), h("dd", {}, g.definition,
      citations(g.paragraphs, procedure.paragraphsById(document))));
    return { el, text };
  });

  function filter() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of [...articles, ...terms]) {
      item.el.hidden = !words.every((w) => item.text.includes(w));
      if (!item.el.hidden) shown += 1;
    }
    count.textContent = words.length ? `${shown} match${shown === 1 ? "" : "es"}` : "";
  }
  search.addEventListener("input", filter);

  replace(main, h("div", { class: "page" },
    h("h1", {}, document.title),
    h("p", { class: "muted" }, `${procedure.versionLabel(document)}, updated ${document.updated}. ${document.source.publisher}.`),
    h("p", { class: "note" }, document.source.note),
    h("p", { class: "review", id: "review" }, h("strong", {}, "Review of SafeVisit's rules: "), reviewWords(document)),
    h("p", {}, h("a", { href: "/procedure/decides", class: "btn" }, "How SafeVisit decides")),
    can(ctx.user, READ_QUEUE)
      ? h("p", {}, h("a", { href: "/rechecks" }, "Concerns to look at again under a newer revision")) : null,
    h("div", { class: "field search" }, h("label", { for: "search" }, "Search the procedure"), search, count),
    h("section", { "aria-labelledby": "paragraphs-title" },
      h("h2", { id: "paragraphs-title" }, "Paragraphs"), articles.map((a) => a.el)),
    h("section", { "aria-labelledby": "glossary-title" },
      h("h2", { id: "glossary-title" }, "Glossary"),
      h("dl", { class: "card glossary" }, terms.map((t) => t.el)))));

  const showTarget = () => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id && main.querySelector(`article[id="${CSS.escape(id)}"]`);
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
