# Pins: the pure builtins — len, range (1/2/3 args), enumerate (with start), zip, sorted, reversed, min, max, sum, abs, round (0/1 digits), str, int, float, bool, list, dict, tuple, isinstance.
from rappel import Workflow, action, workflow


@action
async def fetch_readings(device_id: str) -> list[str]:
    return ["1.5", "2.25", "-3"]


@workflow
class ReadingStatsWorkflow(Workflow):
    async def run(self, device_id: str) -> dict[str, str]:
        raw = await fetch_readings(device_id)
        values = [float(r) for r in raw]
        whole = [int(v) for v in values]
        count = len(values)
        evens = list(range(0, count * 2, 2))
        indices = list(range(count))
        countdown = [i for i in range(count, 0, -1)]
        numbered = [f"{i}:{v}" for i, v in enumerate(values, start=1)]
        paired = dict(zip(raw, whole))
        newest_first = list(reversed(values))
        magnitudes = sorted([abs(v) for v in values])
        as_tuple = tuple(whole)
        stats = {
            "count": str(count),
            "min": str(min(values)),
            "max": str(max(values)),
            "sum": str(round(sum(values), 1)),
            "rounded_mean": str(round(sum(values) / count)) if count else "0",
            "has_negative": str(bool([v for v in values if v < 0])),
            "first_is_number": str(isinstance(values[0], (int, float))) if values else "False",
            "evens": str(evens),
            "indices": str(indices),
            "countdown": str(countdown),
            "numbered": str(numbered),
            "paired": str(paired),
            "newest_first": str(newest_first),
            "magnitudes": str(magnitudes),
            "as_tuple": str(as_tuple),
            "tuple_len": str(len(as_tuple)),
            "is_dict": str(isinstance(paired, dict)),
        }
        return stats
