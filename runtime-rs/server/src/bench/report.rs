//! `parse_bench_logs`: the JSON lines of `bench` and `bench_instances`
//! (lines of other kinds, such as cargo's, are skipped) summarised per tool
//! run: throughput from the summary line, latency percentiles from the
//! samples (nearest rank), and those of the step-to-step latencies of a
//! sequential run.

use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{source_name}:{line}: not a benchmark log line ({error}): {text}")]
    BadLine {
        source_name: String,
        line: usize,
        error: String,
        text: String,
    },
    #[error(
        "no benchmark summary in the input: give the output of `bench` or `bench_instances` \
         (a run that failed or was stopped ends without one)"
    )]
    Empty,
}

/// One finished run of a tool.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Run {
    pub tool: String,
    pub workflow: String,
    pub dispatchers: u64,
    pub workers: u64,
    pub concurrency: u64,
    pub instances: u64,
    pub actions: u64,
    pub seconds: f64,
    pub instances_per_s: f64,
    pub actions_per_s: f64,
    pub samples: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Step-to-step latencies (`step` lines: sequential runs only).
    pub steps: usize,
    pub step_p50_ms: f64,
    pub step_p95_ms: f64,
    pub step_p99_ms: f64,
    pub step_max_ms: f64,
    /// The server's WAL written during the run, per action (absent in logs
    /// of older tools).
    pub wal_bytes_per_action: Option<f64>,
}

impl Run {
    /// The tool, and the workflow when the tool runs several kinds.
    pub fn label(&self) -> String {
        match self.workflow.as_str() {
            "" | "NoopWorkflow" | "ThreeStepWorkflow" => self.tool.clone(),
            workflow => format!("{} {workflow}", self.tool),
        }
    }
}

/// The `p`th percentile of sorted `values` by nearest rank: the smallest
/// value with at least p% of the values at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Reads the logs, in order; a run's samples are those since its tool's
/// previous summary.
#[derive(Default)]
pub struct Reader {
    samples: std::collections::HashMap<String, Vec<f64>>,
    steps: std::collections::HashMap<String, Vec<f64>>,
    pub runs: Vec<Run>,
}

impl Reader {
    pub fn read(&mut self, source_name: &str, text: &str) -> Result<(), ReportError> {
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if !line.starts_with('{') {
                continue;
            }
            let bad = |error: String| ReportError::BadLine {
                source_name: source_name.to_string(),
                line: index + 1,
                error,
                text: line.chars().take(120).collect(),
            };
            let value: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let tool = value["tool"]
                .as_str()
                .ok_or_else(|| bad("no \"tool\"".to_string()))?
                .to_string();
            let kind = value["kind"].as_str();
            match kind {
                Some(kind @ ("sample" | "step")) => {
                    let latency = value["latency_ms"]
                        .as_f64()
                        .ok_or_else(|| bad(format!("a {kind} without \"latency_ms\"")))?;
                    let into = if kind == "step" {
                        &mut self.steps
                    } else {
                        &mut self.samples
                    };
                    into.entry(tool).or_default().push(latency);
                }
                Some("summary") => {
                    let mut samples = self.samples.remove(&tool).unwrap_or_default();
                    samples.sort_by(f64::total_cmp);
                    let mut steps = self.steps.remove(&tool).unwrap_or_default();
                    steps.sort_by(f64::total_cmp);
                    let number = |name: &str| value[name].as_f64().unwrap_or(0.0);
                    let count = |name: &str| value[name].as_u64().unwrap_or(0);
                    self.runs.push(Run {
                        workflow: value["workflow"].as_str().unwrap_or("").to_string(),
                        tool,
                        dispatchers: count("dispatchers").max(1),
                        workers: count("workers"),
                        concurrency: count("concurrency"),
                        instances: count("instances"),
                        actions: count("actions"),
                        seconds: number("seconds"),
                        instances_per_s: number("instances_per_s"),
                        actions_per_s: number("actions_per_s"),
                        samples: samples.len(),
                        p50_ms: percentile(&samples, 50.0),
                        p95_ms: percentile(&samples, 95.0),
                        p99_ms: percentile(&samples, 99.0),
                        max_ms: samples.last().copied().unwrap_or(0.0),
                        steps: steps.len(),
                        step_p50_ms: percentile(&steps, 50.0),
                        step_p95_ms: percentile(&steps, 95.0),
                        step_p99_ms: percentile(&steps, 99.0),
                        step_max_ms: steps.last().copied().unwrap_or(0.0),
                        wal_bytes_per_action: value["wal_bytes_per_action"].as_f64(),
                    });
                }
                // A backlog's seeding (`--backlog`) is not measured.
                Some("progress" | "backlog") => {}
                _ => return Err(bad("no known \"kind\"".to_string())),
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<Vec<Run>, ReportError> {
        if self.runs.is_empty() {
            return Err(ReportError::Empty);
        }
        Ok(self.runs)
    }
}

/// The runs as a Markdown table, then the step-to-step latencies of the
/// runs that have them in a second one.
pub fn table(runs: &[Run]) -> String {
    let mut out = String::from(
        "| tool | start-workers × workers | in flight | instances | actions | seconds | \
         instances/s | actions/s | p50 ms | p95 ms | p99 ms | max ms |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for run in runs {
        out.push_str(&format!(
            "| {} | {} × {} | {} | {} | {} | {:.2} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |\n",
            run.label(),
            run.dispatchers,
            run.workers,
            run.concurrency,
            run.instances,
            run.actions,
            run.seconds,
            run.instances_per_s,
            run.actions_per_s,
            run.p50_ms,
            run.p95_ms,
            run.p99_ms,
            run.max_ms,
        ));
    }
    let stepped: Vec<&Run> = runs.iter().filter(|run| run.steps > 0).collect();
    if !stepped.is_empty() {
        out.push_str(
            "\nStep to step (one completion's durable append to the next's):\n\n\
             | tool | instances | steps | step p50 ms | step p95 ms | step p99 ms | step max ms |\n\
             | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for run in stepped {
            let ms = [
                run.step_p50_ms,
                run.step_p95_ms,
                run.step_p99_ms,
                run.step_max_ms,
            ];
            let ms: Vec<String> = ms.iter().map(|ms| format!("{ms:.2}")).collect();
            let (label, instances, steps) = (run.label(), run.instances, run.steps);
            out.push_str(&format!(
                "| {label} | {instances} | {steps} | {} |\n",
                ms.join(" | ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 95.0), 95.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), 2.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    const LOG: &str = r#"   Compiling rappel-server
{"tool":"bench","kind":"backlog","queued":10,"seconds":0.1}
{"tool":"bench","kind":"progress","elapsed_s":1.0,"done":3,"per_s":3.0,"interval_per_s":3.0}
{"tool":"bench","kind":"sample","latency_ms":4.0}
{"tool":"bench","kind":"sample","latency_ms":1.0}
{"tool":"bench","kind":"sample","latency_ms":3.0}
{"tool":"bench","kind":"sample","latency_ms":2.0}
{"tool":"bench","kind":"summary","workflow":"NoopWorkflow","instances":4,"actions":4,"seconds":2.0,"instances_per_s":2.0,"actions_per_s":2.0,"concurrency":2,"workers":1,"dispatchers":1}
{"tool":"bench_instances","kind":"sample","latency_ms":10.0}
{"tool":"bench_instances","kind":"summary","workflow":"ThreeStepWorkflow","instances":1,"actions":3,"seconds":0.5,"instances_per_s":2.0,"actions_per_s":6.0,"concurrency":1,"workers":2,"dispatchers":2}
{"tool":"bench_instances","kind":"sample","latency_ms":9.0}
{"tool":"bench_instances","kind":"step","latency_ms":3.0}
{"tool":"bench_instances","kind":"step","latency_ms":1.5}
{"tool":"bench_instances","kind":"step","latency_ms":2.5}
{"tool":"bench_instances","kind":"summary","workflow":"SequentialWorkflow","steps":4,"instances":1,"actions":4,"seconds":0.01,"instances_per_s":100.0,"actions_per_s":400.0,"concurrency":1,"workers":2,"dispatchers":1,"wal_bytes_per_action":512.5}
"#;

    #[test]
    fn a_fixed_log_gives_exact_figures() {
        let mut reader = Reader::default();
        reader.read("log", LOG).unwrap();
        let runs = reader.finish().unwrap();
        assert_eq!(runs.len(), 3);
        let bench = &runs[0];
        assert_eq!(
            (
                bench.samples,
                bench.p50_ms,
                bench.p95_ms,
                bench.p99_ms,
                bench.max_ms
            ),
            (4, 2.0, 4.0, 4.0, 4.0)
        );
        assert_eq!((bench.instances, bench.actions_per_s), (4, 2.0));
        let instances = &runs[1];
        assert_eq!(instances.tool, "bench_instances");
        assert_eq!((instances.samples, instances.p50_ms), (1, 10.0));
        assert_eq!((instances.dispatchers, instances.actions_per_s), (2, 6.0));
        assert_eq!((instances.steps, instances.wal_bytes_per_action), (0, None));
        let sequential = &runs[2];
        assert_eq!(
            (
                sequential.samples,
                sequential.steps,
                sequential.step_p50_ms,
                sequential.step_max_ms
            ),
            (1, 3, 2.5, 3.0)
        );
        assert_eq!(sequential.wal_bytes_per_action, Some(512.5));
        let table = table(&runs);
        assert!(
            table.contains("| bench | 1 × 1 | 2 | 4 | 4 | 2.00 | 2 | 2 | 2.0 | 4.0 | 4.0 | 4.0 |"),
            "{table}"
        );
        assert!(
            table.contains(
                "| bench_instances SequentialWorkflow | 1 | 3 | 2.50 | 3.00 | 3.00 | 3.00 |"
            ),
            "{table}"
        );
        assert_eq!(table.matches("| bench_instances |").count(), 1, "{table}");
    }

    #[test]
    fn a_broken_line_is_named_and_no_summary_is_an_error() {
        let mut reader = Reader::default();
        let error = reader.read("run.log", "ok\n{\"tool\": 3}\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "run.log:2: not a benchmark log line (no \"tool\"): {\"tool\": 3}"
        );
        let reader = Reader::default();
        assert!(matches!(reader.finish(), Err(ReportError::Empty)));
    }
}
