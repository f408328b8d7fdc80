# Pins: sorting and ranking — list.sort(key=..., reverse=True) in place, head/tail unpacking `winner, *others = ranked`, enumerate(start=1), sorted(d.items(), key=lambda kv: kv[1]), max(d, key=d.get), map(str, ...) joined, and reverse().
from rappel import Workflow, action, workflow


@action
async def fetch_scores(season: str) -> dict[str, int]:
    return {"ana": 10}


@action
async def announce(message: str) -> None:
    return None


@workflow
class LeaderboardWorkflow(Workflow):
    async def run(self, season: str, podium_size: int = 3) -> dict[str, object]:
        scores = await fetch_scores(season)
        ranked = list(scores.items())
        ranked.sort(key=lambda kv: (kv[1], kv[0]), reverse=True)
        winner, *others = ranked
        lines = [f"{place}. {name} ({points})" for place, (name, points) in enumerate(ranked[:podium_size], start=1)]
        await announce(f"{winner[0]} wins {season} with {winner[1]} points")
        lowest_first = sorted(scores.items(), key=lambda kv: kv[1])
        best = max(scores, key=scores.get)
        names = [name for name, _ in others]
        names.reverse()
        return {
            "podium": lines,
            "best": best,
            "last": lowest_first[0][0] if lowest_first else None,
            "others_reversed": ", ".join(map(str, names)),
        }
