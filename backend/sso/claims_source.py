"""Where a person's claims come from, and whether the provider vouched for a second factor.

- A claim setting may be a dotted path: `realm_access.roles` is Keycloak's realm roles, nested
  in the token. A name the token has at the top level (Auth0's namespaced
  `https://example.org/roles`, Entra ID's `roles`) is read as it is, dots and all.
- When the ID token lacks the role or team claim, the provider's userinfo endpoint is asked
  (with the access token just issued), as OpenID Connect allows a provider to send claims
  only there. Its answer counts only if it is about the same person (the same `sub`).
- Managers and admins can be required to have proved a second factor at the provider:
  SAFEVISIT_OIDC_REQUIRED_ACR (an `acr` value, or several, comma-separated) and/or
  SAFEVISIT_OIDC_MFA_AMR (`amr` values such as `mfa`, `otp`, `hwk`): either one matched is proof.
"""
from flask import current_app

from ..accounts.models import Role

NEEDS_SECOND_FACTOR = (Role.DUTY_MANAGER.value, Role.ADMIN.value)
PROFILE = ("name", "preferred_username", "email")


def lookup(claims: dict, name: str | None):
    """The claim `name`: as a top-level name if there is one, else by its dotted path."""
    if not name:
        return None
    if name in claims:
        return claims[name]
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _put(claims: dict, name: str, value, source: dict) -> None:
    if name in source or "." not in name:
        claims[name] = value
        return
    *parents, last = name.split(".")
    node = claims
    for part in parents:
        child = node.get(part)
        node[part] = dict(child) if isinstance(child, dict) else {}
        node = node[part]
    node[last] = value


def complete(provider, token: dict, claims: dict) -> dict:
    """The ID token's claims, with the role and team claims from userinfo when it has none."""
    config = current_app.config
    missing = [name for name in (config["OIDC_ROLE_CLAIM"], config["OIDC_TEAM_CLAIM"])
               if name and lookup(claims, name) is None]
    if not missing or not provider.load_server_metadata().get("userinfo_endpoint"):
        return claims
    info = dict(provider.userinfo(token=token))
    if info.get("sub") != claims["sub"]:
        return claims  # OpenID Connect Core 5.3.2: about someone else, so not used
    completed = dict(claims)
    for name in PROFILE:  # how to call them, when only userinfo says
        if name not in completed and isinstance(info.get(name), str):
            completed[name] = info[name]
    for name in missing:
        value = lookup(info, name)
        if value is not None:
            _put(completed, name, value, info)
    return completed


def _setting(name: str) -> set[str]:
    raw = current_app.config.get(name) or ""
    return {part.strip() for part in raw.split(",") if part.strip()}


def second_factor_proven(role: str, claims: dict) -> bool:
    """False when a manager or admin must have used a second factor and the token does not say so."""
    acr, amr = _setting("OIDC_REQUIRED_ACR"), _setting("OIDC_MFA_AMR")
    if role not in NEEDS_SECOND_FACTOR or not (acr or amr):
        return True
    said_amr = claims.get("amr")
    said_amr = set(a for a in said_amr if isinstance(a, str)) if isinstance(said_amr, list) else set()
    return (bool(acr) and claims.get("acr") in acr) or bool(amr & said_amr)
