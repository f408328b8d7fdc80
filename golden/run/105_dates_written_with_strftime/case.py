# Runs: dates written with strftime() and date format specs, as reports and emails write them — day and month names, glibc's flags (`%-d`, `%_d`, `%^b`, `%#p`) and widths, `%j`/`%U`/`%V`/`%G`, a datetime's `%z`/`%Z` at a fixed offset, a time's strftime (on 1900-01-01), `%%`, an unknown directive kept as written — and the TypeError of a bad argument, caught.
from datetime import date, datetime, time, timedelta, timezone

from rappel import Workflow, action, workflow

INPUT = {"account": "acme"}
EXPECTS = "result"


@action
async def billing_period(account: str) -> dict:
    return {
        "start": date(2024, 12, 30),
        "sent": datetime(2025, 1, 5, 17, 4, 9, 250, tzinfo=timezone(timedelta(hours=-5))),
        "cutoff": time(7, 5, tzinfo=timezone.utc),
        "naive": datetime(2024, 3, 5, 0, 30),
    }


@action
async def send_statement(account: str, subject: str, lines: list[str]) -> str:
    return f"{account}: {subject} ({len(lines)} lines)"


@workflow
class StatementWorkflow(Workflow):
    async def run(self, account: str) -> dict:
        period = await billing_period(account)
        start, sent, cutoff, naive = period["start"], period["sent"], period["cutoff"], period["naive"]
        end = start + timedelta(days=30)
        subject = f"Statement {start:%b %-d} – {end.strftime('%b %-d, %Y')}"
        lines = [
            sent.strftime("%A %d %B %Y, %I:%M %p"),
            sent.strftime("%-I:%M%P %z %Z"),
            sent.strftime("%F %T.%f | %c | %x %X | %D %R %r"),
            start.strftime("day %j, week %U/%W, ISO %G-W%V-%u (%g), weekday %w"),
            naive.strftime("[%-d] [%_d] [%e] [%-e] [%0e] [%k] [%-H] [%l] [%-m/%-d/%y]"),
            naive.strftime("[%5d] [%-5d] [%08a] [%^b] [%^A] [%#p] [%10B] [%3j] [%Ey] [%Od]"),
            naive.strftime("%z|%Z|%3z|%%|%Q|%-Q|%5Q|%C|%n|%t|end%"),
            cutoff.strftime("%H:%M %z %Z (%Y-%m-%d %a)"),
            f"{naive:%Y%m%d}-{cutoff:%H%M}",
            date(5, 1, 2).strftime("%Y|%4Y|%_4Y|%G|%y|%C"),
            start.strftime(format="%d.%m."),
            start.strftime(""),
        ]
        errors = []
        for bad in [1, None, "%Y".encode()]:
            try:
                start.strftime(bad)
            except TypeError as error:
                errors.append(str(error))
        note = await send_statement(account, subject, lines)
        return {"subject": subject, "lines": lines, "errors": errors, "note": note}
