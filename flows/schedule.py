"""Scheduled and batch runs: the monthly run of the previous month, and backfills.

`pantau serve` serves `monthly_evaluation` on a cron schedule (Asia/Jakarta) with Prefect;
`pantau backfill` runs `backfill`, whose periods are subflows of `evaluate_period`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from flows.evaluate import evaluate_period
from flows.steps import Outcome

DEFAULT_CRON = "0 6 2 * *"  # 06:00 on the 2nd: the previous month's exports are in


def previous_month(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """'2026-01'..'2026-03' -> ['2026-01', '2026-02', '2026-03']."""
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def monthly_run_name() -> str:
    """'bulanan-2026-10': the period the scheduled run evaluates (its parameter, else last month)."""
    from prefect.runtime import flow_run

    params = flow_run.parameters or {}
    period = params.get("period") or previous_month(
        datetime.now(ZoneInfo(params.get("timezone") or "Asia/Jakarta")).date()
    )
    return f"bulanan-{period}"


@flow(name="monthly_evaluation", flow_run_name=monthly_run_name, log_prints=False)
def monthly_evaluation(
    inbox: Path,
    warehouse: Path,
    reference: Path,
    out: Path,
    timezone: str = "Asia/Jakarta",
    period: str | None = None,
    options: dict | None = None,
) -> Outcome:
    """Evaluate the previous month (in the office's time zone), or `period` when given."""
    today = datetime.now(ZoneInfo(timezone)).date()
    period = period or previous_month(today)
    get_run_logger().info("periode %s", period)
    outcome = evaluate_period(
        period=period,
        inbox=inbox,
        warehouse=warehouse,
        reference=reference,
        out=out,
        as_of=today,
        **{"timezone": timezone, **(options or {})},
    )
    if outcome.blocked:
        # a blocked scheduled run must show as failed in the Prefect UI, with the reason
        raise RuntimeError(f"periode {period} tidak diterbitkan: " + "; ".join(outcome.blocking))
    return outcome


@flow(name="backfill", flow_run_name="backfill-{first}-sd-{last}", log_prints=False)
def backfill(
    first: str,
    last: str,
    inbox: Path,
    warehouse: Path,
    reference: Path,
    out: Path,
    as_of: date,
    options: dict | None = None,
) -> list[tuple[str, Outcome]]:
    """Evaluate the months first..last in order, each as a subflow; a blocked month is reported
    and the next one still runs. `options`: evaluate_period's other settings (internal pages,
    OpenLineage)."""
    logger = get_run_logger()
    periods = months_between(first, last)
    results = []
    for i, period in enumerate(periods, start=1):
        logger.info("periode %s (%d dari %d)", period, i, len(periods))
        results.append(
            (
                period,
                evaluate_period(
                    period=period,
                    inbox=inbox,
                    warehouse=warehouse,
                    reference=reference,
                    out=out,
                    as_of=as_of,
                    **(options or {}),
                ),
            )
        )
    return results


def monthly_deployment(settings, cron: str = DEFAULT_CRON):
    """The deployment `pantau serve` runs: the monthly flow on a cron in the office's time zone."""
    from prefect.schedules import Cron

    return monthly_evaluation.to_deployment(
        name="pantau-bulanan",
        schedules=[Cron(cron, timezone=settings.timezone)],
        parameters={
            "inbox": str(settings.inbox),
            "warehouse": str(settings.warehouse),
            "reference": str(settings.reference),
            "out": str(settings.out),
            "timezone": settings.timezone,
            "options": {
                "include_internal": settings.include_internal,
                "state_dir": str(settings.state_dir),
                "openlineage": settings.section("openlineage"),
                "internal_root": str(settings.internal_root),
            },
        },
        description="Evaluasi bulanan Pantau Kinerja: periode = bulan sebelumnya.",
        tags=["pantau-kinerja"],
    )
