"""Configuration comes from the environment and refuses unsafe production settings."""
import pytest

from backend import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SAFEVISIT_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setenv("SAFEVISIT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_database_url_selects_postgresql_with_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("SAFEVISIT_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.internal/safevisit")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/safevisit"


def test_sqlite_in_the_instance_folder_by_default(monkeypatch):
    monkeypatch.setenv("SAFEVISIT_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/safevisit.sqlite3")
