// Loaded on its own, ahead of the app's modules: starts opening the phone's database while
// they load, so the app's own open finds it ready (issue 15: about a fifth of an offline start
// went on that open). It neither creates nor changes the database: store.js does that.
const request = indexedDB.open("safevisit", 1);
// A phone without the database yet: undo the creation this open would do. Left, an empty
// version-1 database would skip store.js's upgrade, and every first sign-in would fail.
request.onupgradeneeded = () => request.transaction.abort();
request.onsuccess = () => request.result.close();
request.onerror = (event) => event.preventDefault();
