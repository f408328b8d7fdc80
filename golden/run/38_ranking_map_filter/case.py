# Runs: ranking — list.sort(key=..., reverse=True), reverse(), map()/filter() with lambdas, builtins and str methods consumed by list()/sum()/join(), sorted(key=str.lower), max(d, key=d.get), max(*xs), nested f-string format specs and enumerate(start=1).
from rappel import Workflow, action, workflow

INPUT = {"season": "2024"}
EXPECTS = "result"


@action
async def fetch_scores(season: str) -> dict[str, list[int]]:
    return {"Ana": [3, 9, 4], "bo": [7, 7], "Cy": [10, 0, 1, 2], "dee": [], "Eli": [5]}


@workflow
class LeaderboardWorkflow(Workflow):
    async def run(self, season: str) -> dict:
        scores = await fetch_scores(season)
        totals = {name: sum(points) for name, points in scores.items()}
        ranked = list(totals.items())
        ranked.sort(key=lambda kv: (kv[1], kv[0]), reverse=True)
        width = max(map(len, scores))
        lines = [f"{place}. {name:<{width}} {total:>{place + 2}}" for place, (name, total) in enumerate(ranked, start=1)]
        active = list(filter(lambda name: scores[name], scores))
        names = sorted(active, key=str.lower)
        upper = ", ".join(map(str.upper, names))
        best = max(totals, key=totals.get)
        top_round = max(*[max(p) for p in scores.values() if p])
        games = sum(map(len, scores.values()))
        nonzero = list(filter(None, [totals[n] - 10 for n in names]))
        bottom_up = [name for name, _ in ranked]
        bottom_up.reverse()
        return {
            "lines": lines,
            "names": names,
            "upper": upper,
            "best": best,
            "top_round": top_round,
            "games": games,
            "nonzero": nonzero,
            "bottom_up": bottom_up,
            "as_text": list(map(str, [games, top_round])),
        }
