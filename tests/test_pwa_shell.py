"""The app shell as Flask serves it: a cache version derived from the files, compression,
revalidation, client routes, and the installability basics of the manifest."""
import gzip
import hashlib
import json
import re
import shutil
import struct
from pathlib import Path, PurePosixPath

import pytest

from backend import create_app
from backend.pwa import shell

from conftest import base_config

PWA = Path(__file__).resolve().parent.parent / "pwa"


def served_worker(client) -> tuple[str, list[str]]:
    body = client.get("/sw.js").get_data(as_text=True)
    version = json.loads(re.search(r"^const SHELL_VERSION = (.+);$", body, re.M).group(1))
    assets = json.loads(re.search(r"^const SHELL_ASSETS = (.+);$", body, re.M).group(1))
    return version, assets


@pytest.fixture
def pwa_copy(tmp_path):
    target = tmp_path / "pwa"
    shutil.copytree(PWA, target)
    return target


def app_serving(directory: Path, tmp_path):
    return create_app({**base_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}"),
                       "SAFEVISIT_PWA_DIR": str(directory)})


def test_the_cache_version_changes_when_any_shipped_file_changes(pwa_copy, tmp_path):
    before, _ = served_worker(app_serving(pwa_copy, tmp_path).test_client())
    css = pwa_copy / "css" / "app.css"
    css.write_text(css.read_text() + "\n/* one more rule */\n")
    after, _ = served_worker(app_serving(pwa_copy, tmp_path).test_client())
    assert before != after
    css.write_text(css.read_text().replace("\n/* one more rule */\n", ""))
    assert served_worker(app_serving(pwa_copy, tmp_path).test_client())[0] == before


def test_the_served_version_is_the_hash_of_the_repository_files(client):
    """Fails if anyone hand-edits a version or the worker serves a stale list."""
    version, assets = served_worker(client)
    shipped = sorted(p for p in PWA.rglob("*") if p.is_file() and p.suffix in shell.SHIPPED
                     and "tests" not in p.relative_to(PWA).parts)
    digest = hashlib.sha256()
    # In the order of the URLs ("/js/store.js" before "/js/store/database.js"), as the shell hashes.
    for path in sorted(shipped, key=lambda p: "/" + p.relative_to(PWA).as_posix()):
        url = "/" + path.relative_to(PWA).as_posix()
        digest.update(url.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    assert version == digest.hexdigest()[:16]
    expected = {"/" + p.relative_to(PWA).as_posix() for p in shipped} - {"/sw.js"}
    assert set(assets) == expected
    assert "/index.html" in assets and "/vendor/idb/index.js" in assets


def test_every_precached_url_is_served(client):
    _, assets = served_worker(client)
    for url in assets:
        assert client.get(url).status_code == 200, url


def test_the_worker_may_control_the_whole_site_and_is_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"


def test_shell_files_are_gzipped_when_accepted_and_revalidate_with_304(client):
    plain = client.get("/js/rules.js")
    packed = client.get("/js/rules.js", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert packed.headers["Vary"] == "Accept-Encoding"
    again = client.get("/js/rules.js", headers={"If-None-Match": packed.headers["ETag"],
                                                "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.data == b""


def test_app_pages_get_the_shell_and_unknown_files_a_json_404(client):
    index = client.get("/").data
    for path in ("/login", "/procedure", "/queue", "/checklist/new",
                 "/checklist/5b0e6a3e-8d7c-4f1e-9d3b-2a1c0f9e8d7c", "/concerns/abc"):
        response = client.get(path)
        assert response.status_code == 200 and response.data == index, path
    missing = client.get("/js/missing.js")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.get("/api/no-such-thing").json["error"]["code"] == "not_found"


def test_every_page_the_app_routes_is_served_the_shell_on_a_reload(client):
    """A reload, a typed address or a tapped notification opens any of the app's pages, even
    before the service worker controls the tab: the server knows every route of routes.js."""
    index = client.get("/").data
    routes = re.findall(r"^  \[/\^(\\/[^,]*)\$/,", (PWA / "js" / "routes.js").read_text(), re.M)
    assert len(routes) > 15, routes
    for source in routes:
        # One concrete path per route: groups take a sample value their pattern accepts.
        path = re.sub(r"\(\\d\{[^)]*\)", "12", source)
        path = re.sub(r"\([^)]*\)", "5b0e6a3e-8d7c-4f1e-9d3b-2a1c0f9e8d7c", path).replace("\\/", "/")
        assert re.fullmatch(r"/[a-z0-9/-]*", path), (source, path)
        response = client.get(path)
        assert response.status_code == 200 and response.data == index, path


def _static_imports(path: str) -> set[str]:
    """The modules `path` (a URL path under pwa/) imports with a static `import … from` or
    passes on with `export … from` (both are fetched before the module runs)."""
    text = (PWA / path.lstrip("/")).read_text()
    found = set()
    for target in re.findall(r'^(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)";', text, re.M | re.S):
        found.add(str(PurePosixPath(path).parent.joinpath(target)))
    return {"/" + "/".join(_collapse(p.split("/"))) for p in found}


def _collapse(parts: list[str]) -> list[str]:
    out = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part not in ("", "."):
            out.append(part)
    return out


def test_what_the_first_screen_needs_is_fetched_at_once_and_pages_load_when_opened(client):
    """Index.html preloads exactly the modules app.js needs before its first screen
    (so they are fetched together, not level by level), and no page of the app is among them:
    each page's module is imported when first routed to."""
    needed, todo = set(), ["/js/app.js"]
    while todo:
        for module in _static_imports(todo.pop()) - needed:
            needed.add(module)
            todo.append(module)
    html = client.get("/").get_data(as_text=True)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert preloaded == needed - {"/js/app.js"}
    assert needed & {"/js/views/checklist.js", "/js/views/reader.js", "/js/views/queue.js"} == set()
    app = (PWA / "js" / "routes.js").read_text()
    for module in ("checklist", "reader", "queue", "login", "admin"):
        assert f'import("./views/{module}.js")' in app


def test_the_shell_is_served_under_the_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["theme_color"] and manifest["name"] == "SafeVisit"
    pngs = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]
            if icon["type"] == "image/png"}
    assert set(pngs) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _), src in pngs.items():
        width, height = _png_size(PWA / src.lstrip("/"))
        assert f"{width}x{height}" == sizes
        assert client.get(src).status_code == 200
