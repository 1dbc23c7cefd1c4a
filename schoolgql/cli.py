"""The `schoolgql` command: serve, migrate, seed, export-schema, create-admin, worker."""

import argparse
import ipaddress
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette

from schoolgql import migrations
from schoolgql.database import Database
from schoolgql.demo import AlreadySeededError, DemoSize, seed_demo
from schoolgql.kit.errors import InvalidInput
from schoolgql.logs import configure_logging
from schoolgql.settings import SAMPLE_JWT_SIGNING_KEYS, Settings, get_settings

logger = logging.getLogger("schoolgql.cli")

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
WORKER_HEALTHCHECK_SECONDS = 60
ADMIN_PASSWORD_VARIABLE = "SCHOOLGQL_ADMIN_PASSWORD"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        result: int = arguments.run(arguments, settings)
    except migrations.DatabaseNotMigratedError as error:
        logger.error("%s", error)
        return 1
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schoolgql",
        description="GraphQL API for running a school. Settings come from "
        "SCHOOLGQL_* environment variables and a .env file.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the API over HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        help="TCP port to listen on (default %(default)s)",
    )
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="number of worker processes (default %(default)s)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="load the demo school first when the database is empty",
    )
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser(
        "migrate", help="upgrade the database schema to the latest revision"
    )
    migrate.set_defaults(run=_migrate)

    seed = commands.add_parser("seed", help="load data into an empty database")
    seed.add_argument(
        "--demo",
        action="store_true",
        required=True,
        help="load the deterministic demo school (required)",
    )
    defaults = DemoSize()
    for name, help_text in (
        ("terms", "number of terms"),
        ("teachers", "number of teachers"),
        ("students", "number of students"),
        ("courses", "number of courses, spread over the terms"),
        ("enrollments-per-student", "courses each student enrolls in"),
        ("assessments-per-course", "assessments in each course"),
        ("seed", "seed of the random generator; equal seeds give equal data"),
    ):
        default = getattr(defaults, name.replace("-", "_"))
        seed.add_argument(
            f"--{name}",
            type=int,
            default=default,
            help=f"{help_text} (default {default})",
        )
    seed.set_defaults(run=_seed)

    export = commands.add_parser(
        "export-schema", help="write the GraphQL schema (SDL) to a file"
    )
    export.add_argument(
        "--output",
        type=Path,
        default=REPOSITORY_ROOT / "schema.graphql",
        help="file to write (default: schema.graphql at the top of the repository)",
    )
    export.set_defaults(run=_export_schema)

    create_admin = commands.add_parser(
        "create-admin",
        help="create an administrator account; the password comes from "
        f"{ADMIN_PASSWORD_VARIABLE} or from a prompt",
    )
    create_admin.add_argument(
        "--email", required=True, help="email address the administrator logs in with"
    )
    create_admin.add_argument(
        "--full-name", required=True, help="full name of the administrator"
    )
    create_admin.set_defaults(run=_create_admin)

    worker = commands.add_parser("worker", help="run the Celery worker that sends mail")
    worker.add_argument(
        "--concurrency",
        type=_positive_int,
        default=None,
        help="number of worker processes (default: one per CPU core)",
    )
    worker.add_argument(
        "--pool",
        choices=("prefork", "solo"),
        default="prefork",
        help="prefork runs tasks in child processes; solo runs one task at a "
        "time in this process (default %(default)s)",
    )
    worker.add_argument(
        "--hostname",
        default=None,
        help="node name, unique per broker, such as mail-1@%%h "
        "(default: celery@ and this host's name)",
    )
    worker.set_defaults(run=_worker)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _serve(arguments: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if not _is_loopback(arguments.host) and _uses_public_signing_key(settings):
        print(
            f"schoolgql serve: refusing to listen on {arguments.host} with the "
            "public development JWT signing key, because anyone could forge "
            "tokens. Set SCHOOLGQL_JWT_SIGNING_KEY to at least 32 random bytes "
            "(and SCHOOLGQL_ENVIRONMENT=production), or serve on 127.0.0.1.",
            file=sys.stderr,
        )
        return 2

    asyncio.run(_prepare_database(settings, demo=arguments.demo))
    forwarded_allow_ips = settings.forwarded_allow_ips or None
    uvicorn.run(
        "schoolgql.cli:create_served_app",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        lifespan="on",
        # A worker process answers the supervisor's health ping only once it
        # has imported the app; uvicorn's default of 5 s restarts workers
        # that import slower, as on a busy two-core machine.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # X-Forwarded-For is believed only from the configured proxies; the
        # client address keys rate and attempt limits.
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _uses_public_signing_key(settings: Settings) -> bool:
    key = settings.jwt_signing_key.get_secret_value()
    return not key or key in SAMPLE_JWT_SIGNING_KEYS


def create_served_app() -> Starlette:
    """Build the app for `schoolgql serve`; uvicorn calls it in each worker."""
    from schoolgql.app import create_app
    from schoolgql.kit.collector import tune_for_serving

    # Worker processes that uvicorn spawns for --workers do not inherit the
    # parent's logging set-up, so each configures its own.
    configure_logging(get_settings().log_level)
    app = create_app()
    tune_for_serving()
    return app


async def _prepare_database(settings: Settings, *, demo: bool) -> None:
    database = Database(settings)
    try:
        if settings.uses_embedded_database:
            await migrations.upgrade(database.engine)
        await migrations.check_up_to_date(database.engine)
        if demo:
            try:
                async with database.transaction() as session:
                    await seed_demo(session, DemoSize())
            except AlreadySeededError:
                logger.info("the database already has data; demo data not loaded")
    finally:
        await database.dispose()


def _migrate(arguments: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        database = Database(settings)
        try:
            await migrations.upgrade(database.engine)
        finally:
            await database.dispose()

    asyncio.run(run())
    logger.info("database schema is at revision %s", migrations.head_revision())
    return 0


def _seed(arguments: argparse.Namespace, settings: Settings) -> int:
    size = DemoSize(
        terms=arguments.terms,
        teachers=arguments.teachers,
        students=arguments.students,
        courses=arguments.courses,
        enrollments_per_student=arguments.enrollments_per_student,
        assessments_per_course=arguments.assessments_per_course,
        seed=arguments.seed,
    )
    try:
        size.check()
    except ValueError as error:
        print(f"schoolgql seed: invalid size: {error}", file=sys.stderr)
        return 2

    async def run() -> dict[str, int]:
        database = Database(settings)
        try:
            if settings.uses_embedded_database:
                await migrations.upgrade(database.engine)
            await migrations.check_up_to_date(database.engine)
            async with database.transaction() as session:
                return await seed_demo(session, size)
        finally:
            await database.dispose()

    try:
        counts = asyncio.run(run())
    except AlreadySeededError as error:
        print(f"schoolgql seed: {error}", file=sys.stderr)
        return 1
    print(", ".join(f"{count} {name}" for name, count in counts.items()))
    return 0


def _create_admin(arguments: argparse.Namespace, settings: Settings) -> int:
    password = _read_new_password()
    if password is None:
        return 2

    async def run() -> int:
        from schoolgql.accounts.administration import create_first_admin
        from schoolgql.accounts.passwords import PasswordHasher

        database = Database(settings)
        passwords = PasswordHasher(cost=settings.bcrypt_cost, threads=1)
        try:
            if settings.uses_embedded_database:
                await migrations.upgrade(database.engine)
            await migrations.check_up_to_date(database.engine)
            async with database.transaction() as session:
                admin = await create_first_admin(
                    session,
                    passwords=passwords,
                    email=arguments.email,
                    full_name=arguments.full_name,
                    password=password,
                )
            return admin.id
        finally:
            passwords.close()
            await database.dispose()

    try:
        admin_id = asyncio.run(run())
    except InvalidInput as error:
        print(f"schoolgql create-admin: {error.message}", file=sys.stderr)
        return 2
    print(f"created administrator {admin_id}")
    return 0


def _read_new_password() -> str | None:
    """Read the password from the environment, or twice from a terminal prompt.

    It is never taken from the command line, where other users of the
    machine can read it in the process list.
    """
    password = os.environ.get(ADMIN_PASSWORD_VARIABLE)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        print(
            f"schoolgql create-admin: set {ADMIN_PASSWORD_VARIABLE} or run in a "
            "terminal to type the password",
            file=sys.stderr,
        )
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        print("schoolgql create-admin: the passwords differ", file=sys.stderr)
        return None
    return password


def _export_schema(arguments: argparse.Namespace, settings: Settings) -> int:
    from schoolgql.graphql.schema import schema

    output: Path = arguments.output
    output.write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 0


def _worker(arguments: argparse.Namespace, settings: Settings) -> int:
    from celery.signals import setup_logging

    from schoolgql.mail.celery_app import create_celery_app

    # With a receiver on this signal, Celery leaves the logging that
    # `main` configured as it is, so worker lines share the app's format.
    setup_logging.connect(lambda **_: None, weak=False)
    celery_app = create_celery_app(settings)
    # Gossip and mingle only sync state between workers at start-up, which
    # mail tasks do not need, and they delay the start by a second or more.
    argv = [
        "worker",
        f"--pool={arguments.pool}",
        "--without-gossip",
        "--without-mingle",
    ]
    if arguments.concurrency is not None:
        argv.append(f"--concurrency={arguments.concurrency}")
    if arguments.hostname is not None:
        argv.append(f"--hostname={arguments.hostname}")
    celery_app.worker_main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
