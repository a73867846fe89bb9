//! Measures durable creates per second with many concurrent proposers, by hand:
//! `cargo run --release -p rudder-store --example throughput -- [creates] [proposers] [value bytes]`

use std::time::Instant;

use rudder_store::{Compare, CompareOp, CompareTarget, Options, Store, Txn, TxnOp, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<usize>());
    let creates = args.next().transpose()?.unwrap_or(100_000);
    let proposers = args.next().transpose()?.unwrap_or(64).max(1);
    let value_bytes = args.next().transpose()?.unwrap_or(1024);

    let dir = std::env::temp_dir().join(format!("rudder-store-throughput-{}", std::process::id()));
    let store = Store::open(&dir, Options::default())?;
    let mut value = Vec::with_capacity(value_bytes + 5);
    rmp::encode::write_str(&mut value, &"x".repeat(value_bytes))?;
    let value = Value::from(value);

    let started = Instant::now();
    std::thread::scope(|scope| {
        for proposer in 0..proposers {
            let store = &store;
            let value = value.clone();
            scope.spawn(move || {
                for i in (proposer..creates).step_by(proposers) {
                    let key = format!("/registry/core/pods/default/pod-{i}");
                    let txn = Txn {
                        compare: vec![Compare {
                            key: key.clone(),
                            target: CompareTarget::Create,
                            op: CompareOp::Equal,
                            value: 0,
                        }],
                        success: vec![TxnOp::Put {
                            key,
                            value: value.clone(),
                        }],
                        failure: vec![],
                    };
                    match store.txn(txn) {
                        Ok(result) if result.succeeded => {}
                        other => panic!("create failed: {other:?}"),
                    }
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let status = store.status()?;
    println!(
        "{creates} creates of {value_bytes} B with {proposers} proposers: {:.0} creates/s, {} commits ({:.1} txns/commit), {:.1} MiB on disk",
        creates as f64 / seconds,
        status.commits,
        status.proposals as f64 / status.commits.max(1) as f64,
        status.db_size_bytes as f64 / 1_048_576.0
    );
    store.close()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
