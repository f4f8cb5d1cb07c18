"""Flask extensions, created unbound and attached in the app factory (``init_app``)."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints, so that migrations can alter them on every database (SQLite batch mode included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model: typed ``Mapped[...]`` columns, ``select()`` queries only."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database(SQLAlchemy):
    """Flask-SQLAlchemy, typed as the code uses it: ``db.session`` is the request's scoped session, a
    proxy of every ``Session`` method, so services declare ``Session`` and views pass ``db.session``."""

    if TYPE_CHECKING:
        session: Session  # type: ignore[assignment]


db = Database(model_class=Base)

# The declarative base the models subclass (``db.Model`` at run time, ``Base`` to the type checker).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def limiter_storage_uri(redis_url: str | None) -> str:
    """Rate-limit counters live in Redis (shared by every web process); unix sockets need their scheme."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url
