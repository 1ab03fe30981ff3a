//! The equivalent infrastructure and handler, written for this page, with the setting or line
//! that is acting right now highlighted.

use super::state::SqsPlayground;
use std::rc::Rc;
use yew::prelude::*;

/// What is deciding the system's behaviour at this moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acting {
    Working,
    Connect,
    Reserved,
    MaximumConcurrency,
    Visibility,
    Redrive,
    Timeout,
}

pub fn acting(state: &SqsPlayground) -> Acting {
    let sim = &state.run.sim;
    let a = sim.activity();
    let p = sim.params();
    if a.throttled > 0 {
        Acting::Reserved
    } else if a.refused > 0 || sim.proxy_queue() > 0 {
        Acting::Connect
    } else if a.redelivered > 0 {
        Acting::Visibility
    } else if a.to_dlq > 0 {
        Acting::Redrive
    } else if sim.batches().iter().any(|b| matches!(b.phase, crate::engine::sqs::Phase::Working { outcome: crate::engine::sqs::Outcome::Timeout, .. })) {
        Acting::Timeout
    } else if p.event_source_mapping.scaling_config.maximum_concurrency.is_some_and(|m| sim.poller_batches() >= m && sim.visible() > 0) {
        Acting::MaximumConcurrency
    } else {
        Acting::Working
    }
}

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    pub state: Rc<SqsPlayground>,
}

#[function_component]
pub fn CodePanel(props: &CodePanelProps) -> Html {
    let state = &props.state;
    let p = state.run.sim.params();
    let now = acting(state);
    let esm = &p.event_source_mapping;
    let template: Vec<(String, Option<Acting>)> = vec![
        ("ImageQueue:".into(), None),
        ("  Type: AWS::SQS::Queue".into(), None),
        ("  Properties:".into(), None),
        (format!("    VisibilityTimeout: {}", p.queue.visibility_timeout), Some(Acting::Visibility)),
        (format!("    MessageRetentionPeriod: {}", p.queue.message_retention_period), None),
        (
            match &p.queue.redrive_policy {
                Some(r) => format!("    RedrivePolicy: {{ deadLetterTargetArn: !GetAtt ImageDLQ.Arn, maxReceiveCount: {} }}", r.max_receive_count),
                None => "    # no RedrivePolicy: no dead-letter queue".into(),
            },
            Some(Acting::Redrive),
        ),
        ("ResizeFunction:".into(), None),
        ("  Type: AWS::Serverless::Function".into(), None),
        ("  Properties:".into(), None),
        (format!("    Timeout: {}{}", state.run.sim.timeout_s(), if state.run.sim.timeout_s() != p.function.timeout { "   # raised after the mapping was created" } else { "" }), Some(Acting::Timeout)),
        (
            match p.function.reserved_concurrent_executions {
                Some(r) => format!("    ReservedConcurrentExecutions: {r}"),
                None => "    # ReservedConcurrentExecutions: unset (shares the account's 1,000)".into(),
            },
            Some(Acting::Reserved),
        ),
        ("    Events:".into(), None),
        ("      Images:".into(), None),
        ("        Type: SQS".into(), None),
        ("        Properties:".into(), None),
        ("          Queue: !GetAtt ImageQueue.Arn".into(), None),
        (format!("          BatchSize: {}", esm.batch_size), None),
        (format!("          MaximumBatchingWindowInSeconds: {}", esm.maximum_batching_window_in_seconds), None),
        (
            match esm.scaling_config.maximum_concurrency {
                Some(m) => format!("          ScalingConfig: {{ MaximumConcurrency: {m} }}"),
                None => "          # ScalingConfig.MaximumConcurrency: unset (up to 1,000 batches)".into(),
            },
            Some(Acting::MaximumConcurrency),
        ),
        (
            if esm.reports_batch_item_failures() {
                "          FunctionResponseTypes: [ReportBatchItemFailures]".into()
            } else {
                "          # FunctionResponseTypes: none (one failure fails the whole batch)".into()
            },
            None,
        ),
    ];
    let retry = p.database.connect_retries;
    let handler: Vec<(String, Option<Acting>)> = vec![
        (format!("const pool = new Pool({{ max: 1 }});   // one connection per warm container{}", if p.database.rds_proxy { ", via RDS Proxy" } else { "" }), None),
        ("export const handler = async (event) => {".into(), None),
        (
            if retry > 0 {
                format!(
                    "  const client = await connectWithRetry(pool, {{ retries: {retry}, policy: \"{}\", baseMs: {}, maxMs: {} }});  // 53300 when full",
                    p.database.retry_policy.name(),
                    p.database.retry_backoff_ms,
                    p.database.retry_max_backoff_ms
                )
            } else {
                "  const client = await pool.connect();   // 53300 once only reserved slots are left".into()
            },
            Some(Acting::Connect),
        ),
        ("  try {".into(), None),
        ("    for (const record of event.Records) {".into(), None),
        (format!("      await resizeAndStore(client, record);   // ~{} ms each", p.function.handler_ms_per_message), Some(Acting::Working)),
        ("    }".into(), None),
        ("  } finally {".into(), None),
        ("    client.release();".into(), None),
        ("  }".into(), None),
        ("};".into(), None),
    ];
    let block = |title: &str, lines: &[(String, Option<Acting>)]| {
        html! {
            <figure class="code active sqs-code">
                <figcaption>{ title.to_string() }</figcaption>
                <pre tabindex="0" aria-label={format!("{title} (code)")}><code>
                    { for lines.iter().map(|(text, marker)| {
                        let lit = *marker == Some(now);
                        html! { <span class={classes!("line", lit.then_some("acting"))} data-acting={lit.then_some("true")}>{ text.clone() }{ "\n" }</span> }
                    }) }
                </code></pre>
            </figure>
        }
    };
    html! {
        <div class="code-panel sqs-code-panel" data-testid="sqs-code">
            { block("template.yaml (AWS SAM)", &template) }
            { block("handler.mjs", &handler) }
        </div>
    }
}
