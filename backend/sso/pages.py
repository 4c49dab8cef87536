"""The pages the browser lands on when a sign-in with the organisation does not go through.

They are served by the server, not the app: the callback is a page load, the person may have no
app installed yet, and a refusal must say plainly what happened and whom to ask. Text only,
escaped, and no script or inline style, so the site's Content-Security-Policy holds.
"""
from flask import Response, current_app
from markupsafe import escape


def _page(status: int, title: str, *paragraphs: str) -> Response:
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    html = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)} · SafeVisit</title><link rel="stylesheet" href="/css/app.css"></head>'
        f'<body><main id="main" class="page page-narrow"><h1>{escape(title)}</h1>'
        f'<div class="card">{body}</div>'
        '<p><a class="btn" href="/login">Back to sign-in</a></p></main></body></html>'
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def not_mapped(reason: str, role_values: list[str], team_values: list[str]) -> Response:
    contact = current_app.config["OIDC_HELP_CONTACT"]
    sent = "Your organisation said: roles " + (", ".join(role_values) or "(none)") + \
        "; teams " + (", ".join(team_values) or "(none)") + "."
    return _page(
        403, "SafeVisit is not set up for you yet",
        f"Your organisation signed you in, but SafeVisit cannot tell what you may do in it: {reason}.",
        f"Ask {contact} to give you access. They map roles and teams at your organisation to "
        "SafeVisit in SafeVisit's single sign-on settings; tell them what your organisation said:",
        sent,
        "No SafeVisit account was made for you, and nothing was kept.",
    )


def deactivated() -> Response:
    contact = current_app.config["OIDC_HELP_CONTACT"]
    return _page(403, "This SafeVisit account is deactivated",
                 f"Your organisation signed you in, but your SafeVisit account has been deactivated. "
                 f"Ask {contact} if you think this is wrong.")


def second_factor_missing() -> Response:
    contact = current_app.config["OIDC_HELP_CONTACT"]
    return _page(403, "Sign in with your second factor",
                 "Duty managers and admins must prove a second factor (an authenticator app, a "
                 "security key or a text code) when they sign in with your organisation, and this "
                 "sign-in did not. Nothing was signed in.",
                 f"Sign in again and use your second factor when your organisation asks. If it "
                 f"never asks, tell {contact}.")


def failed() -> Response:
    return _page(400, "That sign-in did not work",
                 "SafeVisit could not complete the sign-in with your organisation: it was started in "
                 "another window, took too long, was already used, or the answer from your "
                 "organisation could not be verified. Nothing was signed in.",
                 "Go back to sign-in and start again.")


def unavailable() -> Response:
    return _page(503, "Your organisation's sign-in cannot be reached",
                 "SafeVisit could not reach your organisation's sign-in service. Try again in a few "
                 "minutes; if it goes on, tell your IT service desk.")


def not_configured() -> Response:
    return _page(404, "Single sign-on is not set up",
                 "This SafeVisit does not offer sign-in with an organisation. Sign in with your "
                 "SafeVisit username and password.")
