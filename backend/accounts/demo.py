"""Demo accounts for local use: one per role in team North, a worker and a manager in South."""
from sqlalchemy import select

from ..extensions import db
from .models import Team, User
from .service import create_user
from .team_phones import set_phones, set_office_hours

DEMO_PASSWORD_DEFAULT = "safevisit-demo"  # documented in the README; development only
DEMO_ACCOUNTS = [
    ("carer", "foster_carer", "North", "Casey Carer"),
    ("worker", "field_worker", "North", "Wren Worker"),
    ("manager", "duty_manager", "North", "Morgan Manager"),
    ("admin", "admin", "North", "Ash Admin"),
    ("worker2", "field_worker", "South", "Sam Worker"),
    ("manager2", "duty_manager", "South", "Max Manager"),
]

# Ofcom's numbers reserved for drama (Liverpool 0151 496 0000-0999): they look real and
# reach nobody. A real deployment sets its own with `flask teams set-phones`.
DEMO_PHONES = {
    "North": ("0151 496 0100", "0151 496 0900", "Monday to Friday, 9am to 5pm"),
    "South": ("0151 496 0200", "0151 496 0900", "Monday to Friday, 9am to 5pm"),
}


def seed_demo(password: str) -> list[str]:
    """Create the demo accounts that are missing; returns the usernames created."""
    created = []
    for username, role, team, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).filter_by(username=username)) is None:
            create_user(username, password, role, team, name)
            created.append(username)
    for team, (duty, out_of_hours, hours) in DEMO_PHONES.items():
        if db.session.scalar(select(Team.duty_phone).filter_by(name=team)) is None:
            set_phones(team, duty, out_of_hours, hours)
            # The same hours, structured: the phone picks the number by the clock.
            set_office_hours(team, "mon-fri", "09:00", "17:00", None)
    db.session.commit()
    return created
