"""Alembic environment for the researcher tables, run programmatically by db.upgrade().

Only our own tables are compared and migrated: Rasa's `events` (and anything else in the
database) is left alone by autogenerate.
"""

from __future__ import annotations

from alembic import context

from bot.research.models import metadata

config = context.config


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name in metadata.tables
    return True


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run(config.attributes["connection"])
else:
    from bot.research.db import engine_for

    with engine_for(config.get_main_option("sqlalchemy.url")).begin() as connection:
        run(connection)
