"""Demo accounts for local use: one per role in team North, a worker and a manager in South."""
from sqlalchemy import select

from ..extensions import db
from .models import User
from .service import create_user

DEMO_PASSWORD_DEFAULT = "safevisit-demo"  # documented in the README; development only
DEMO_ACCOUNTS = [
    ("carer", "foster_carer", "North", "Casey Carer"),
    ("worker", "field_worker", "North", "Wren Worker"),
    ("manager", "duty_manager", "North", "Morgan Manager"),
    ("admin", "admin", "North", "Ash Admin"),
    ("worker2", "field_worker", "South", "Sam Worker"),
    ("manager2", "duty_manager", "South", "Max Manager"),
]


def seed_demo(password: str) -> list[str]:
    """Create the demo accounts that are missing; returns the usernames created."""
    created = []
    for username, role, team, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).filter_by(username=username)) is None:
            create_user(username, password, role, team, name)
            created.append(username)
    db.session.commit()
    return created
