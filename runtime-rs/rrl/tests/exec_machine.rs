//! The machine's contract beyond the golden runs: completions that answer
//! nothing are refused and change nothing, retries and timeouts follow the
//! call's policy, and a parallel block keeps to its limit.

use rrl::eval::Env;
use rrl::exec::command::{encode_command, encode_finish};
use rrl::exec::{Command, Completion, Layout, Machine, Program};
use rrl::value::Value;
use serde_json::{Value as Json, json};

fn program(body: &str) -> Program {
    let text = format!(
        "rrl 1\n\naction act(x: int) -> int from m\n\nworkflow W(n: int = 3, items: list[int] = []) -> Any:\n{body}"
    );
    let parsed = rrl::syntax::parse(&text, None).expect("parses");
    Program::new(rrl::dag::lower(&parsed, None).expect("lowers")).expect("runs")
}

fn encoded(commands: &[Command]) -> Vec<Json> {
    commands
        .iter()
        .map(|c| encode_command(c).expect("encodes"))
        .collect()
}

fn returned(id: &str, attempt: u64, value: i64) -> Completion {
    Completion::Returned {
        id: id.into(),
        attempt,
        value: Value::int(value),
    }
}

fn timed_out(id: &str, attempt: u64) -> Completion {
    Completion::TimedOut {
        id: id.into(),
        attempt,
    }
}

#[test]
fn completions_that_answer_nothing_are_refused_and_change_nothing() {
    let program = program("    r = await act(x=n)\n    sleep 2\n    return r\n");
    let mut machine = Machine::new(&program);
    let started = machine.start(&Env::new()).expect("starts");
    assert_eq!(
        encoded(&started),
        [
            json!({"dispatch": {"id": "0", "attempt": 1, "action": "act", "module": "m", "kwargs": {"x": 3}, "timeout": {"float": "300.0"}}})
        ]
    );
    assert!(machine.start(&Env::new()).is_err(), "a machine starts once");
    let before = machine.snapshot().expect("saves");
    for wrong in [
        returned("1", 1, 5),
        returned("0", 2, 5),
        Completion::Slept { id: "0".into() },
        Completion::BackedOff {
            id: "0".into(),
            attempt: 1,
        },
    ] {
        let error = machine.complete(wrong).expect_err("answers nothing");
        assert!(
            error
                .to_string()
                .ends_with("answers no outstanding command")
        );
        assert_eq!(machine.snapshot().expect("saves"), before);
    }
    assert_eq!(
        machine
            .complete(returned("1", 1, 5))
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("Returned(id='1', attempt=1, value=5) answers no outstanding command")
    );
    let slept = machine.complete(returned("0", 1, 104)).expect("answers");
    assert_eq!(
        encoded(&slept),
        [json!({"sleep": {"id": "1", "seconds": {"float": "2.0"}}})]
    );
    assert!(
        machine.complete(returned("0", 1, 104)).is_err(),
        "answered twice"
    );
    let finished = machine
        .complete(Completion::Slept { id: "1".into() })
        .expect("answers");
    assert_eq!(encoded(&finished), [json!({"finish": {"result": 104}})]);
    assert!(machine.outstanding().is_empty());
}

#[test]
fn a_timeout_without_a_policy_is_retried_and_with_one_until_its_attempts_run_out() {
    let retried = program("    r = await act(x=n)\n    return r\n");
    let mut machine = Machine::new(&retried);
    machine.start(&Env::new()).expect("starts");
    for attempt in 1..=5 {
        let next = machine.complete(timed_out("0", attempt)).expect("answers");
        assert_eq!(encoded(&next)[0]["dispatch"]["attempt"], json!(attempt + 1));
    }

    let program = self::program(
        "    r = await act(x=n) retry(attempts=2) backoff(base=1s, multiplier=3) timeout(50ms)\n    return r\n",
    );
    let mut machine = Machine::new(&program);
    machine.start(&Env::new()).expect("starts");
    let wait = machine.complete(timed_out("0", 1)).expect("answers");
    assert_eq!(
        encoded(&wait),
        [json!({"backoff": {"id": "0", "attempt": 2, "seconds": {"float": "1.0"}}})]
    );
    assert_eq!(encoded(&machine.outstanding()), encoded(&wait));
    let again = machine
        .complete(Completion::BackedOff {
            id: "0".into(),
            attempt: 2,
        })
        .expect("answers");
    assert_eq!(
        encoded(&again)[0]["dispatch"]["timeout"],
        json!({"float": "0.05"})
    );
    let finished = machine.complete(timed_out("0", 2)).expect("answers");
    let Some(Command::Finish(finish)) = finished.last() else {
        panic!("the workflow finishes: {finished:?}")
    };
    let error = &encode_finish(finish).expect("encodes")["error"]["exception"];
    assert_eq!(error["class"][0], json!("rappel:RappelTimeout"));
    assert_eq!(
        error["message"],
        json!("action act timed out after 0.05s (attempt 2)")
    );
}

#[test]
fn an_action_no_worker_has_is_never_retried_whatever_the_policy() {
    let raised = |class: &str| Completion::Raised {
        id: "0".into(),
        attempt: 1,
        exception: rrl::value::Exception::construct(
            vec![
                rrl::value::ClassName::new(class),
                rrl::value::ClassName::new("rappel:RappelError"),
                rrl::value::ClassName::builtin("Exception"),
            ],
            vec![Value::str("this worker cannot run action m.act()")],
        ),
    };
    for policy in [
        "",
        " retry(attempts=50)",
        " retry(attempts=None) backoff(base=1s)",
    ] {
        let body = format!(
            "    try:\n        r = await act(x=n){policy}\n        return r\n    except Exception as e:\n        return str(e)\n"
        );
        let program = program(&body);
        let mut machine = Machine::new(&program);
        machine.start(&Env::new()).expect("starts");
        let finished = machine
            .complete(raised("rappel:ActionNotFound"))
            .expect("answers");
        assert_eq!(
            encoded(&finished),
            [json!({"finish": {"result": "this worker cannot run action m.act()"}})],
            "{policy}"
        );
    }
    // Any other RappelError is retried as the policy says.
    let program = program("    r = await act(x=n) retry(attempts=2)\n    return r\n");
    let mut machine = Machine::new(&program);
    machine.start(&Env::new()).expect("starts");
    let next = machine
        .complete(raised("rappel:RappelError"))
        .expect("answers");
    assert_eq!(encoded(&next)[0]["dispatch"]["attempt"], json!(2));
}

#[test]
fn a_parallel_block_keeps_to_its_limit_and_its_branch_order() {
    let program = program(
        "    xs = parallel for i in range(n) limit 2:\n        await act(x=i)\n    return xs\n",
    );
    let mut machine = Machine::new(&program);
    let started = machine.start(&Env::new()).expect("starts");
    let ids: Vec<Json> = encoded(&started)
        .iter()
        .map(|c| c["dispatch"]["id"].clone())
        .collect();
    assert_eq!(ids, [json!("0[0].0"), json!("0[1].0")]);
    let next = machine
        .complete(returned("0[1].0", 1, 10))
        .expect("answers");
    assert_eq!(encoded(&next)[0]["dispatch"]["id"], json!("0[2].0"));
    assert!(
        machine
            .complete(returned("0[2].0", 1, 12))
            .expect("answers")
            .is_empty()
    );
    let finished = machine.complete(returned("0[0].0", 1, 8)).expect("answers");
    assert_eq!(
        encoded(&finished),
        [json!({"finish": {"result": [8, 10, 12]}})]
    );
}

#[test]
fn the_shared_layout_holds_a_fan_outs_list_once() {
    let program = program(
        "    label = \"batch\"\n    xs = parallel for i in items:\n        await act(x=i)\n    return xs\n",
    );
    let mut machine = Machine::new(&program);
    let items = Value::list((0..200).map(Value::int).collect());
    let args: Env = [("items".to_string(), items)].into_iter().collect();
    machine.start(&args).expect("starts");
    machine.complete(returned("0[3].0", 1, 3)).expect("answers");
    let python = machine.snapshot().expect("saves");
    let shared = machine.snapshot_in(Layout::Shared).expect("saves");
    assert_eq!(python.regions.len(), 200, "the workflow and 199 branches");
    assert_eq!(
        serde_json::to_value(&shared.regions[1].env).expect("serializes"),
        json!({"branch": {"dict": [["i", 0]]}})
    );
    let text =
        |state: &rrl::exec::Snapshot| serde_json::to_string(state).expect("serializes").len();
    assert!(
        text(&shared) * 4 < text(&python),
        "{} vs {}",
        text(&shared),
        text(&python)
    );
    let restored = Machine::restore(&program, &shared).expect("restores");
    assert_eq!(restored.snapshot().expect("saves"), python);
}

#[test]
fn the_saved_text_holds_a_fan_outs_list_once_and_reads_back() {
    let program = program(
        "    label = \"batch\"\n    xs = parallel for i in items:\n        await act(x=i)\n    return xs\n",
    );
    let mut machine = Machine::new(&program);
    let items = Value::list((0..200).map(Value::int).collect());
    let args: Env = [("items".to_string(), items)].into_iter().collect();
    machine.start(&args).expect("starts");
    machine.complete(returned("0[3].0", 1, 3)).expect("answers");
    let text = machine.save().expect("saves");
    let data: Json = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        data["regions"][1],
        json!(["0[0]", 3, 1, {"changes": [[["i", 0]], []]}, {"call": ["0[0].0", [["x", 0]], 1, false]}])
    );
    assert_eq!(
        text.matches("197,198,199]").count(),
        2,
        "the list in the workflow's variables and as the block's items, in no branch"
    );
    let loaded = Machine::load(&program, &text).expect("loads");
    assert_eq!(loaded.snapshot(), machine.snapshot());
    let refused = |text: &str| match Machine::load(&program, text) {
        Ok(_) => panic!("loaded {text}"),
        Err(error) => error.to_string(),
    };
    assert!(
        refused(&text.replacen("[\"0[0]\",3,", "[\"0[0]\",999,", 1))
            .starts_with("regions[1].node: `n999` names no node of the DAG")
    );
    assert!(
        refused(&text.replacen("[\"0[0]\",", "[\"0[300]\",", 1))
            .starts_with("regions[1].path: `0[300]` is no running branch")
    );
    assert!(refused(&text[..text.len() - 1]).starts_with("the saved state: EOF"));
    assert!(
        refused("{\"regions\": [], \"outcome\": {\"error\": 1}}")
            .contains("an error outcome holds an exception")
    );
}

#[test]
fn a_snapshot_that_does_not_fit_the_program_is_refused_with_its_place() {
    let program =
        program("    xs = parallel for i in range(n):\n        await act(x=i)\n    return xs\n");
    let mut machine = Machine::new(&program);
    machine.start(&Env::new()).expect("starts");
    let state = serde_json::to_value(machine.snapshot().expect("saves")).expect("serializes");
    let refused = |change: &dyn Fn(&mut Json)| -> String {
        let mut bad = state.clone();
        change(&mut bad);
        let snapshot: rrl::exec::Snapshot = serde_json::from_value(bad).expect("reads");
        match Machine::restore(&program, &snapshot) {
            Ok(_) => panic!("restored a snapshot that does not fit"),
            Err(error) => error.to_string(),
        }
    };
    assert_eq!(
        refused(&|s| s["regions"][1]["node"] = json!("n999")),
        "regions[1].node: `n999` names no node of the DAG"
    );
    assert!(
        refused(&|s| s["regions"][0]["node"] = json!("n0"))
            .starts_with("regions[0].wait: does not fit")
    );
    assert!(refused(&|s| s["regions"][1]["path"] = json!("0[7]")).starts_with("regions[1].path:"));
    assert!(refused(&|s| s["regions"][1]["path"] = json!("7")).starts_with("regions[1].path:"));
    assert!(
        refused(&|s| s["regions"][0]["wait"]["parallel"]["outcomes"][0] = json!({"result": 1}))
            .starts_with("regions[1].path: `0[0]` is no running branch")
    );
    assert!(
        refused(&|s| {
            s["regions"][0]["wait"]["parallel"]["started"] = json!(1);
            s["regions"][0]["wait"]["parallel"]["outcomes"] =
                json!([{"result": 1}, {"result": 2}, null]);
        })
        .starts_with("regions[0].wait.parallel.outcomes: more branches settled")
    );
    assert!(
        refused(&|s| s["regions"][0]["env"] = json!({"branch": {"dict": []}}))
            .starts_with("regions[0].env:")
    );
    assert!(
        refused(&|s| s["regions"][1]["env"] = json!({"dict": [[1, 2]]}))
            .starts_with("regions[1].env[0]:")
    );
}

#[test]
fn a_sleep_takes_an_int_enum_member_as_its_value_and_refuses_a_str_one() {
    let text = "rrl 1\n\nenum Wait(IntEnum) from app:\n    LONG = 5\n\nenum Name(StrEnum) from app:\n    A = \"a\"\n\n\
                workflow W() -> Any:\n    sleep Wait.LONG\n    try:\n        sleep Name.A\n    except TypeError as e:\n        return str(e)\n    return None\n";
    let parsed = rrl::syntax::parse(text, None).expect("parses");
    let program = Program::new(rrl::dag::lower(&parsed, None).expect("lowers")).expect("runs");
    let mut machine = Machine::new(&program);
    let started = machine.start(&Env::new()).expect("starts");
    assert_eq!(
        encoded(&started),
        [json!({"sleep": {"id": "0", "seconds": {"float": "5.0"}}})]
    );
    let finished = machine
        .complete(Completion::Slept { id: "0".into() })
        .expect("answers");
    assert_eq!(
        encoded(&finished),
        [json!({"finish": {"result": "sleep takes a number of seconds, not Name"}})]
    );
}

#[test]
fn raise_from_sets_the_cause_on_the_exception_its_variables_hold() {
    let program = program(
        "    e = ValueError(\"x\")\n    try:\n        raise e from KeyError(\"k\")\n    except ValueError as f:\n        return [e, e is f]\n",
    );
    let mut machine = Machine::new(&program);
    let finished = machine.start(&Env::new()).expect("starts");
    let result = &encoded(&finished)[0]["finish"]["result"];
    assert_eq!(
        result[0]["exception"]["cause"]["exception"]["message"],
        json!("'k'")
    );
    assert_eq!(result[1], json!(true));
}
