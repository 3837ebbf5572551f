"""After the fact: the tie rule (reflexion.selection.best_trial at main) applied to the committed HumanEval threads.
For each budget t, the answer under the old rule (latest best-scored) and the new one; where they differ, the new
answer is scored with the hidden tests (domain.score). Reads the benches' checkpoint files; changes nothing."""
import json
import sys

from reflexion.bench.results import final_passed
from reflexion.domains import get_domain
from reflexion.runner import open_graph, thread_config
from reflexion.selection import best_trial


def old_best(trials):
    return max(reversed(trials), key=lambda r: (r["feedback"]["success"], r["feedback"]["score"]))

# usage: python docs/results/probes/tie_rule_after_the_fact.py RESULTS.jsonl:CHECKPOINTS.sqlite ...
for pair in sys.argv[1:]:
    rows_path, db = pair.split(":")
    rows = [json.loads(line) for line in open(rows_path)]
    domain = get_domain("programming", **rows[0]["domain_settings"])
    tasks = {t["id"]: t for t in domain.load_tasks("humaneval")}
    changed, final_before, final_after = [], 0, 0
    with open_graph(domain, db) as graph:
        for row in rows:
            trials = graph.get_state(thread_config(row["thread_id"])).values.get("trials", [])
            assert len(trials) == row["trials"], row["task_id"]
            by_t_new = []
            for t in range(1, len(trials) + 1):
                old, new = old_best(trials[:t]), best_trial(trials[:t])
                if old["trial"] == new["trial"]:
                    by_t_new.append(row["passed_by_trial"][t - 1])
                else:
                    by_t_new.append(final_passed(domain.score(tasks[row["task_id"]], new["candidate"]), new["feedback"]["success"]))
            final_before += row["passed_by_trial"][-1]
            final_after += by_t_new[-1]
            if by_t_new != row["passed_by_trial"]:
                changed.append((row["task_id"], row["passed_by_trial"], by_t_new))
    print(rows_path.split("/")[-1], len(rows), "tasks; final pass", final_before, "->", final_after)
    for task_id, before, after in changed:
        print("  ", task_id, before, after)
