"""The offline app (pwa/), served by Flask: shell files, the service worker, the manifest."""
