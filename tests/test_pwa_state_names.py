"""The app's concern statuses, urgencies and job states are named, never spelled out.

The JavaScript twin of test_state_names.py: pwa/js/names.js spells each state once, and every
other module of pwa/js uses its names. This reads every module's string literals (comments
aside) and fails on one that is one of those states anywhere but names.js.
"""
import re
from pathlib import Path

JS = Path(__file__).resolve().parent.parent / "pwa" / "js"
NAMES = "names.js"

CONCERN_STATUSES = {"draft", "submitted", "acknowledged", "in_progress", "closed"}
URGENCIES = {"immediate", "urgent", "soon", "routine"}
JOB_STATUSES = {"pending", "sending", "sent", "failed", "dead", "cancelled"}
# Where a concern is on the phone (draft, queued, sent) and an outbox item waiting to be sent.
DEVICE_STATES = {"queued", "waiting"}
WORDS = CONCERN_STATUSES | URGENCIES | JOB_STATUSES | DEVICE_STATES

# The same word meaning something else: (module, word, what the code before it on the line
# ends with), each with the reason it is not one of those states.
OTHER_MEANINGS = [
    # CSS class names of a list of drafts, styled by css/app.css.
    ("views/home.js", "draft", r"class:\s*$"),
    ("views/chronology.js", "draft", r"class:\s*$"),
    # The English word, singular beside its plural.
    ("views/home.js", "draft", r"plural\([^()]*,\s*$"),
    ("views/lock.js", "draft", r"plural\([^()]*,\s*$"),
    # Kinds of timeline event (the server's audit vocabulary), named after the step they record.
    ("views/chronology.js", "closed", r"case\s*$"),
    ("views/chronology.js", "acknowledged", r"case\s*$"),
    # A classic worker script cannot import a module: its copy of CALL_NOW is checked below.
    ("push-sw.js", "immediate", r"URGENT = new Set\(\[$"),
    ("push-sw.js", "urgent", r"URGENT = new Set\(\[\"immediate\",\s*$"),
]

# Characters after which a "/" starts a regular expression rather than a division.
REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}


def string_literals(source: str):
    """(line, text before it on that line, value) for every string literal and template chunk.

    A small scanner: comments are skipped, regular expression literals are read past (so a
    quote inside one is not taken for a string), and `${…}` inside a template is code again.
    """
    i, line, n = 0, 1, len(source)
    depth = []  # for each open ${ in a template: the brace depth at which it closes
    braces = 0
    last = ""  # the last significant character of code, to tell a regex from a division
    line_start = 0

    def take_string(quote, start):
        nonlocal i, line
        j = start + 1
        while j < n and source[j] != quote:
            if source[j] == "\\":
                j += 1
            elif source[j] == "\n":
                line += 1
            j += 1
        return source[start + 1:j], j + 1

    def take_template(start):
        """Reads template text from `start` to a closing backtick or a `${`; returns (text, end, opened)."""
        nonlocal line
        j = start
        while j < n:
            if source[j] == "\\":
                j += 2
                continue
            if source[j] == "`":
                return source[start:j], j + 1, False
            if source.startswith("${", j):
                return source[start:j], j + 2, True
            if source[j] == "\n":
                line += 1
            j += 1
        return source[start:j], j, False

    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            line_start = i + 1
            i += 1
            continue
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += source.count("\n", i, end)
            i = end
            continue
        if c in "\"'":
            here, before = line, source[line_start:i]
            value, i = take_string(c, i)
            yield here, before, value
            last = "a"
            continue
        if c == "`" or (c == "}" and depth and braces == depth[-1]):
            if c == "}":
                depth.pop()
            here, before = line, source[line_start:i]
            value, i, opened = take_template(i + 1)
            yield here, before, value
            if opened:
                depth.append(braces)
            last = "a"
            continue
        if c == "/" and last in REGEX_AFTER:
            j, in_class = i + 1, False
            while j < n and source[j] != "\n":
                if source[j] == "\\":
                    j += 2
                    continue
                if source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                elif source[j] == "/" and not in_class:
                    break
                j += 1
            i = j + 1
            last = "a"
            continue
        if c == "{":
            braces += 1
        elif c == "}":
            braces -= 1
        if not c.isspace():
            last = c if c in REGEX_AFTER else "a"
            # `return /re/` and `typeof /re/` are rare enough here to ignore.
        i += 1


def exempt(module: str, value: str, before: str) -> bool:
    return any(module == m and value == w and re.search(r, before) for m, w, r in OTHER_MEANINGS)


def test_the_scanner_reads_strings_and_skips_comments_and_regexes():
    source = ('const a = "one"; // "two"\n/* "three" */ const re = /"four"/g;\n'
              'const t = `five ${x ? "six" : `seven`} eight`; const d = 6 / 2, e = "nine";\n')
    assert [v for _, _, v in string_literals(source)] == ["one", "five ", "six", "seven", " eight", "nine"]


def test_no_state_is_spelled_as_a_string_outside_names_js():
    found, modules = [], 0
    for path in sorted(JS.rglob("*.js")):
        module = path.relative_to(JS).as_posix()
        if module == NAMES:
            continue
        modules += 1
        found += [f"{module}:{line}: {value!r}" for line, before, value in string_literals(path.read_text())
                  if value in WORDS and not exempt(module, value, before)]
    assert modules > 40  # the walk really read the app
    assert found == []


def test_names_js_spells_every_state_the_server_uses():
    source = (JS / NAMES).read_text()
    spelled = {value for _, _, value in string_literals(source)}
    assert CONCERN_STATUSES | URGENCIES | DEVICE_STATES | JOB_STATUSES <= spelled


def test_names_js_has_the_servers_job_statuses_and_kinds_exactly():
    """The admin's Alert deliveries screen filters and names jobs by these: a status or kind the
    server gains must gain a name in the app too, or the screen could not show or ask for it."""
    from backend.alerts.models import JOB_KINDS
    from backend.alerts.states import JobStatus

    source = (JS / NAMES).read_text()

    def frozen(name):
        return set(re.findall(r'\w+: "(\w+)"', re.search(name + r" = Object\.freeze\(\{([^}]*)\}", source).group(1)))

    assert frozen("JobStatus") == {s.value for s in JobStatus} == JOB_STATUSES
    assert frozen("JobKind") == set(JOB_KINDS)


def test_the_service_worker_keeps_notifications_on_screen_for_the_same_urgencies():
    names = (JS / NAMES).read_text()
    urgency = dict(re.findall(r'(\w+): "(\w+)"', re.search(r"Urgency = Object\.freeze\(\{([^}]*)\}", names).group(1)))
    call_now = {urgency[key] for key in re.findall(
        r"Urgency\.(\w+)", re.search(r"CALL_NOW = new Set\(\[([^\]]*)\]", names).group(1))}
    worker = re.search(r'URGENT = new Set\(\[([^\]]*)\]', (JS / "push-sw.js").read_text()).group(1)
    assert set(re.findall(r'"(\w+)"', worker)) == call_now == {"immediate", "urgent"}


def test_role_names_come_from_the_server_only():
    """The screens name roles with names.js roleName(), which the session answer fills: no
    module keeps a table of its own (three once disagreed on "Admin" and "Administrator")."""
    from backend.accounts.capabilities import ROLE_NAMES

    names = set(ROLE_NAMES.values()) | {"Admin"}
    found = [f"{path.relative_to(JS)}:{line}: {value!r}" for path in sorted(JS.rglob("*.js"))
             for line, _, value in string_literals(path.read_text()) if value in names]
    assert found == []


def test_the_session_answer_names_every_role(client):
    from backend.accounts.models import Role

    roles = client.get("/api/auth/session").json["roles"]
    assert list(roles) == [role.value for role in Role]
    assert roles["admin"] == "Administrator" and roles["duty_manager"] == "Duty manager"
