"""Sending one text through GOV.UK Notify with its official client, and classifying the answer.

The template (SAFEVISIT_NOTIFY_SMS_TEMPLATE_ID) is "((message)) ((link))": SafeVisit fills
`message` and `link` only. For an alert the message is the push title and the link opens the
concern by its random id — no name, case reference or answer ever goes to Notify or a phone.
"""
import dataclasses

import requests
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from ..push.states import Result
from ..push.delivery import TITLE

TIMEOUT = 10


@dataclasses.dataclass(frozen=True)
class Outcome:
    result: str  # sent | retry | failed
    status_code: int | None = None
    error: str | None = None
    notify_id: str | None = None


def enabled(config) -> bool:
    return bool(config.get("NOTIFY_API_KEY") and config.get("NOTIFY_SMS_TEMPLATE_ID"))


def client(config) -> NotificationsAPIClient:
    return NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"],
                                  timeout=TIMEOUT)


def alert_text(config, concern_id: str) -> dict:
    """The personalisation of an alert: the title and a link, nothing else."""
    return {"message": TITLE, "link": f"{config['PUBLIC_URL']}/concerns/{concern_id}"}


def code_text(config, code: str) -> dict:
    return {"message": f"Your SafeVisit code is {code}. It expires in 10 minutes.",
            "link": config["PUBLIC_URL"]}


def send(api: NotificationsAPIClient, config, number: str, personalisation: dict,
         reference: str) -> Outcome:
    """POST one text; never raises for a network or service failure."""
    try:
        answer = api.send_sms_notification(
            phone_number=number, template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
            personalisation=personalisation, reference=reference)
    except APIError as err:
        status = err.status_code if err.response is not None else None
        # Notify's 5xx and rate limits pass; 400 (bad number, template) and 403 (key) would
        # fail the same way again. The client reports no answer at all as 503.
        if status == 429 or (status or 500) >= 500:
            return Outcome(Result.RETRY, status, f"Notify answered {status}")
        return Outcome(Result.FAILED, status, f"Notify answered {status}: {_first_error(err)}")
    except requests.RequestException as err:
        return Outcome(Result.RETRY, None, f"network error: {type(err).__name__}")
    return Outcome(Result.SENT, 201, None, str((answer or {}).get("id") or "")[:64] or None)


def _first_error(err: APIError) -> str:
    message = err.message
    if isinstance(message, list) and message:
        message = message[0].get("message", "") if isinstance(message[0], dict) else message[0]
    return str(message)[:200]
