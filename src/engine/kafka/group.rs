//! A consumer group: per-partition cursors (committed offset, position), members running the
//! poll loop, liveness, eager rebalances and commits. Work is counted in ranges of offsets:
//! a member processes a batch as a count whose total duration is drawn once.

use super::log::PartitionLog;
use super::params::{Assignor, Client, Distribution, Group, OffsetReset};
use crate::engine::series::BoundedSeries;
use crate::engine::{Millis, RateCredit, SimRng};
use serde::Serialize;

/// One partition as this group sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cursor {
    /// The group's committed offset: where a new owner starts. `None` before the group first
    /// joins (then `auto.offset.reset` decides, and the result counts as committed).
    pub committed: Option<u64>,
    /// The owner's position: the next offset it will fetch.
    pub position: u64,
    /// Every offset below this has been processed at least once or skipped (lost).
    pub frontier: u64,
    /// Member index owning the partition in the current generation.
    pub owner: Option<usize>,
    /// Records processed the first time.
    pub distinct: u64,
    /// Records processed again (after a rebalance rewound to an older commit).
    pub duplicates: u64,
    /// Records skipped by `auto.offset.reset` without ever being processed.
    pub lost: u64,
}

impl Cursor {
    /// Consumer lag as Kafka reports it: log end minus committed offset.
    pub fn lag(&self, log: &PartitionLog) -> u64 {
        log.end.saturating_sub(self.committed.unwrap_or(log.start))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberState {
    /// In the group: polling, processing, or idle without partitions.
    Active,
    /// Thrown out of the group but still inside its batch; its commit will fail.
    Zombie,
    /// The process is down (an outage).
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BatchPart {
    pub partition: usize,
    pub start: u64,
    pub count: u64,
}

/// Records returned by one `poll()`, being processed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub parts: Vec<BatchPart>,
    pub total: u64,
    /// Records finished so far.
    pub done: u64,
    pub started_at: Millis,
    pub duration_us: u64,
}

impl Batch {
    pub fn ends_at(&self) -> Millis {
        self.started_at + self.duration_us.div_ceil(1000)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    pub state: MemberState,
    /// Partitions assigned in the current generation.
    pub assigned: Vec<usize>,
    pub batch: Option<Batch>,
    pub last_poll: Millis,
    pub last_heartbeat: Millis,
    pub last_commit: Millis,
    /// `pause()`d until then (takes effect at the next fetch).
    pub paused_until: Option<Millis>,
    pub processed: u64,
    /// KafkaJS 2.x bug: the batch in hand will be delivered once more.
    pub replay_pending: bool,
    /// Rotates which assigned partition a fetch starts from.
    rotation: usize,
}

impl Member {
    fn new() -> Self {
        Self {
            state: MemberState::Active,
            assigned: Vec::new(),
            batch: None,
            last_poll: 0,
            last_heartbeat: 0,
            last_commit: 0,
            paused_until: None,
            processed: 0,
            replay_pending: false,
            rotation: 0,
        }
    }

    /// Milliseconds since the clock the member's deadline is measured from.
    pub fn since_deadline_clock(&self, client: Client, now: Millis) -> Millis {
        match client {
            Client::Java => now - self.last_poll,
            Client::Kafkajs => now - self.last_heartbeat,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupCounters {
    pub processed: u64,
    pub distinct: u64,
    pub duplicates: u64,
    pub lost: u64,
    pub rebalances: u64,
    pub evictions: u64,
    pub commits: u64,
    pub commit_failures: u64,
    pub pauses: u64,
    pub fetches: u64,
}

/// Something that happened in a group, for narration and the code panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupEvent {
    /// Downstream is overwhelmed: `pause()`; the batch in hand is still processed.
    Paused { member: usize },
    Resumed { member: usize },
    /// Missed its deadline (`gap_ms` since the last poll or heartbeat).
    Evicted { member: usize, gap_ms: Millis },
    /// A thrown-out member finished its batch; its commit was rejected.
    CommitFailed { member: usize },
    RebalanceStarted,
    RebalanceDone { generation: u64, members: usize },
    /// `auto.offset.reset` moved a partition's position; `lost` records were never read.
    OffsetReset { partition: usize, to: u64, lost: u64 },
    Down,
    Rejoined,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupState {
    pub cursors: Vec<Cursor>,
    pub members: Vec<Member>,
    /// A rebalance has started and the group waits for live members to finish their batch
    /// and call `poll()` (JoinGroup).
    pub joining: bool,
    /// Every live member has joined; the group is assigned at this time (SyncGroup).
    pub rebalancing_until: Option<Millis>,
    pub generation: u64,
    pub counters: GroupCounters,
    /// Records handed downstream and not yet absorbed.
    pub downstream_backlog: u64,
    pub lag_series: BoundedSeries,
    #[serde(skip)]
    downstream_credit: RateCredit,
}

/// Points kept for each group's lag chart.
pub const SERIES_CAPACITY: usize = 256;

impl GroupState {
    /// The group as it stands when the run starts: every member joined, partitions assigned.
    pub fn new(group: &Group, logs: &[PartitionLog]) -> Self {
        let mut state = Self {
            cursors: vec![Cursor::default(); logs.len()],
            members: (0..group.members).map(|_| Member::new()).collect(),
            joining: false,
            rebalancing_until: None,
            generation: 0,
            counters: GroupCounters::default(),
            downstream_backlog: 0,
            lag_series: BoundedSeries::new(SERIES_CAPACITY, 1_000),
            downstream_credit: RateCredit::default(),
        };
        state.assign(group, logs, 0, &mut Vec::new());
        state
    }

    /// Stop-the-world: between a rebalance's start and its assignment.
    pub fn is_rebalancing(&self) -> bool {
        self.joining || self.rebalancing_until.is_some()
    }

    pub fn lag(&self, logs: &[PartitionLog]) -> u64 {
        self.cursors.iter().zip(logs).map(|(c, l)| c.lag(l)).sum()
    }

    pub fn is_paused(&self, partition: usize, now: Millis) -> bool {
        self.cursors[partition]
            .owner
            .and_then(|m| self.members[m].paused_until)
            .is_some_and(|until| until > now)
    }

    /// One step of the group at `now` (already advanced).
    pub fn step(&mut self, group: &Group, logs: &[PartitionLog], now: Millis, dt: Millis, rng: &mut SimRng, events: &mut Vec<GroupEvent>) {
        self.outage(group, logs, now, events);
        if let Some(rate) = group.downstream.records_per_second {
            let absorbed = self.downstream_credit.take(rate, dt);
            self.downstream_backlog -= absorbed.min(self.downstream_backlog);
        }
        if self.rebalancing_until.is_some_and(|until| now >= until) {
            self.assign(group, logs, now, events);
        }
        for index in 0..self.members.len() {
            self.step_member(index, group, logs, now, rng, events);
        }
        if self.joining && self.members.iter().all(|m| m.state != MemberState::Active || m.batch.is_none()) {
            self.joining = false;
            self.rebalancing_until = Some(now + group.rebalance_ms);
        }
        self.lag_series.record(now, self.lag(logs));
    }

    fn outage(&mut self, group: &Group, logs: &[PartitionLog], now: Millis, events: &mut Vec<GroupEvent>) {
        let Some(outage) = &group.outage else { return };
        let down = now >= outage.start_ms && now < outage.start_ms.saturating_add(outage.duration_ms);
        let is_down = self.members.iter().all(|m| m.state == MemberState::Down);
        if down && !is_down {
            for member in &mut self.members {
                *member = Member { state: MemberState::Down, ..Member::new() };
            }
            self.cursors.iter_mut().for_each(|c| c.owner = None);
            self.joining = false;
            self.rebalancing_until = None;
            events.push(GroupEvent::Down);
        } else if !down && is_down {
            for member in &mut self.members {
                *member = Member { last_poll: now, last_heartbeat: now, last_commit: now, ..Member::new() };
            }
            events.push(GroupEvent::Rejoined);
            self.start_rebalance(group, logs, now, events);
        }
    }

    fn step_member(&mut self, index: usize, group: &Group, logs: &[PartitionLog], now: Millis, rng: &mut SimRng, events: &mut Vec<GroupEvent>) {
        match self.members[index].state {
            MemberState::Down => {}
            MemberState::Zombie => {
                self.members[index].replay_pending = false;
                self.advance(index, group, now);
                if self.members[index].batch.as_ref().is_some_and(|b| now >= b.ends_at()) {
                    // CommitFailedException (Java) / REBALANCE_IN_PROGRESS (KafkaJS), then the
                    // next poll() rejoins the group, which rebalances everyone again.
                    let member = &mut self.members[index];
                    member.batch = None;
                    member.state = MemberState::Active;
                    member.last_poll = now;
                    member.last_heartbeat = now;
                    self.counters.commit_failures += 1;
                    events.push(GroupEvent::CommitFailed { member: index });
                    self.start_rebalance(group, logs, now, events);
                }
            }
            MemberState::Active => {
                let rebalancing = self.is_rebalancing();
                let mut spare_parts = Vec::new();
                if self.members[index].batch.is_some() {
                    self.advance(index, group, now);
                    self.check_downstream(index, group, now, events);
                    if self.members[index].batch.as_ref().is_some_and(|b| now >= b.ends_at()) {
                        spare_parts = self.finish_batch(index, group, now);
                        if rebalancing {
                            self.revoke(index, group);
                        }
                    }
                }
                if self.members[index].batch.is_none() {
                    if rebalancing {
                        // Inside poll(), joining: neither deadline runs.
                        let member = &mut self.members[index];
                        member.last_poll = now;
                        member.last_heartbeat = now;
                    } else {
                        self.poll(index, group, logs, now, rng, events, spare_parts);
                    }
                }
                self.check_liveness(index, group, logs, now, events);
            }
        }
    }

    /// Processes the records of the member's batch that are due by `now`.
    fn advance(&mut self, index: usize, group: &Group, now: Millis) {
        let member = &mut self.members[index];
        let Some(batch) = member.batch.as_mut() else { return };
        let elapsed_us = (now - batch.started_at).saturating_mul(1000);
        let target = if elapsed_us >= batch.duration_us { batch.total } else { mul_div(batch.total, elapsed_us, batch.duration_us.max(1)) };
        if group.heartbeat_in_each_batch {
            // eachBatch calls heartbeat() while it works.
            member.last_heartbeat = now;
        }
        let mut todo = target - batch.done;
        if todo == 0 {
            return;
        }
        let mut skip = batch.done;
        for part in &batch.parts {
            if todo == 0 {
                break;
            }
            if skip >= part.count {
                skip -= part.count;
                continue;
            }
            let take = (part.count - skip).min(todo);
            let from = part.start + skip;
            let cursor = &mut self.cursors[part.partition];
            let again = cursor.frontier.min(from + take).saturating_sub(from);
            cursor.duplicates += again;
            cursor.distinct += take - again;
            cursor.frontier = cursor.frontier.max(from + take);
            self.counters.duplicates += again;
            self.counters.distinct += take - again;
            todo -= take;
            skip = 0;
        }
        let newly = target - batch.done;
        batch.done = target;
        member.processed += newly;
        self.counters.processed += newly;
        if group.downstream.records_per_second.is_some() {
            self.downstream_backlog += newly;
        }
        // KafkaJS heartbeats between messages, after each one.
        if batch.done > 0 {
            let last_done_us = mul_div(batch.duration_us, batch.done, batch.total);
            member.last_heartbeat = member.last_heartbeat.max(batch.started_at + last_done_us / 1000);
        }
    }

    /// The article's check: downstream overwhelmed → `pause()` for the cooldown. Takes effect at
    /// the next fetch; the batch in hand is still processed.
    fn check_downstream(&mut self, index: usize, group: &Group, now: Millis, events: &mut Vec<GroupEvent>) {
        if group.downstream.records_per_second.is_none() || self.downstream_backlog < group.downstream.max_backlog {
            return;
        }
        let member = &mut self.members[index];
        if member.paused_until.is_some() || member.assigned.is_empty() {
            return;
        }
        member.paused_until = Some(now + group.downstream.pause_cooldown_ms);
        member.replay_pending = group.client == Client::Kafkajs && group.kafkajs2_pause_bug;
        self.counters.pauses += 1;
        events.push(GroupEvent::Paused { member: index });
    }

    /// Returns the finished batch's part list, emptied, for the next poll to fill (an
    /// allocation per poll was a good part of a step's cost).
    fn finish_batch(&mut self, index: usize, group: &Group, now: Millis) -> Vec<BatchPart> {
        let Some(batch) = self.members[index].batch.take() else { return Vec::new() };
        if std::mem::take(&mut self.members[index].replay_pending) {
            // kafkajs#1376: "The same message batch is received again, however, the consumption
            // from that topic-partition is paused." Delivered again, from the same offsets.
            let replay = Batch { done: 0, started_at: now, ..batch };
            self.members[index].batch = Some(replay);
            return Vec::new();
        }
        if !group.enable_auto_commit {
            // commitSync() after the batch: the offsets after its last records.
            for part in &batch.parts {
                self.cursors[part.partition].committed = Some(part.start + part.count);
            }
            self.counters.commits += 1;
            self.members[index].last_commit = now;
        }
        let mut parts = batch.parts;
        parts.clear();
        parts
    }

    #[allow(clippy::too_many_arguments)]
    fn poll(
        &mut self,
        index: usize,
        group: &Group,
        logs: &[PartitionLog],
        now: Millis,
        rng: &mut SimRng,
        events: &mut Vec<GroupEvent>,
        mut parts: Vec<BatchPart>,
    ) {
        let member = &mut self.members[index];
        member.last_poll = now;
        member.last_heartbeat = now;
        if group.enable_auto_commit && now - member.last_commit >= group.auto_commit_interval_ms {
            // Auto-commit inside poll(): the positions of what the previous poll returned, all processed.
            for &p in &member.assigned {
                self.cursors[p].committed = Some(self.cursors[p].position);
            }
            member.last_commit = now;
            self.counters.commits += 1;
        }
        if let Some(until) = member.paused_until {
            if now < until {
                return;
            }
            member.paused_until = None;
            events.push(GroupEvent::Resumed { member: index });
        }
        let count = member.assigned.len();
        if count == 0 {
            return;
        }
        let mut room = group.max_poll_records;
        for k in 0..count {
            if room == 0 {
                break;
            }
            let partition = member.assigned[(member.rotation + k) % count];
            let cursor = &mut self.cursors[partition];
            let log = &logs[partition];
            if cursor.position < log.start {
                // OFFSET_OUT_OF_RANGE: auto.offset.reset decides.
                let lost = reset(cursor, log, group.auto_offset_reset);
                self.counters.lost += lost;
                events.push(GroupEvent::OffsetReset { partition, to: cursor.position, lost });
            }
            let take = (log.end - cursor.position).min(room);
            if take > 0 {
                parts.push(BatchPart { partition, start: cursor.position, count: take });
                cursor.position += take;
                room -= take;
            }
        }
        member.rotation = member.rotation.wrapping_add(1);
        let total = group.max_poll_records - room;
        if total == 0 {
            return;
        }
        let processing = &group.processing;
        // A database every record calls, shared by the members processing at the same time.
        let per_record_us = match processing.db_records_per_second {
            Some(rate) => {
                let busy = 1 + self.members.iter().filter(|m| m.batch.is_some()).count() as u64;
                processing.per_record_us.max(busy * 1_000_000 / rate)
            }
            None => processing.per_record_us,
        };
        let member = &mut self.members[index];
        let percent = match processing.distribution {
            Distribution::Fixed => 100,
            Distribution::Uniform => rng.between(100 - processing.spread_percent, 100 + processing.spread_percent),
        };
        let duration_us = match total.checked_mul(per_record_us) {
            Some(records_us) => mul_div(records_us, percent, 100),
            None => (u128::from(total) * u128::from(per_record_us) * u128::from(percent) / 100) as u64,
        };
        member.batch = Some(Batch { parts, total, done: 0, started_at: now, duration_us: duration_us.max(1) });
        self.counters.fetches += 1;
    }

    fn check_liveness(&mut self, index: usize, group: &Group, logs: &[PartitionLog], now: Millis, events: &mut Vec<GroupEvent>) {
        let member = &self.members[index];
        let gap = member.since_deadline_clock(group.client, now);
        if gap <= group.liveness_deadline_ms() {
            return;
        }
        let member = &mut self.members[index];
        member.state = if member.batch.is_some() { MemberState::Zombie } else { MemberState::Active };
        for &p in &member.assigned {
            self.cursors[p].owner = None;
        }
        member.assigned.clear();
        member.paused_until = None;
        self.counters.evictions += 1;
        events.push(GroupEvent::Evicted { member: index, gap_ms: gap });
        self.start_rebalance(group, logs, now, events);
    }

    /// Eager rebalance: the group stops. A live member joins at its next `poll()`, so one in the
    /// middle of a batch finishes it (and commits) first, and the whole group waits for it;
    /// joining, it gives up its partitions (with auto-commit, committing its position, as Java
    /// does on revoke). Zombies are already out and go on processing.
    fn start_rebalance(&mut self, group: &Group, _logs: &[PartitionLog], now: Millis, events: &mut Vec<GroupEvent>) {
        let _ = now;
        if !self.is_rebalancing() {
            self.counters.rebalances += 1;
            events.push(GroupEvent::RebalanceStarted);
        }
        self.joining = true;
        self.rebalancing_until = None;
        for index in 0..self.members.len() {
            let member = &self.members[index];
            if member.state == MemberState::Active && member.batch.is_none() {
                self.revoke(index, group);
            }
        }
    }

    /// A member gives up its partitions as it joins.
    fn revoke(&mut self, index: usize, group: &Group) {
        let member = &mut self.members[index];
        for &p in &member.assigned {
            let cursor = &mut self.cursors[p];
            if group.enable_auto_commit {
                cursor.committed = Some(cursor.position);
            }
            cursor.owner = None;
        }
        member.assigned.clear();
        member.paused_until = None;
    }

    /// Ends a rebalance: partitions go to the live members; each owner starts from the
    /// committed offset (or `auto.offset.reset` when there is none).
    fn assign(&mut self, group: &Group, logs: &[PartitionLog], now: Millis, events: &mut Vec<GroupEvent>) {
        self.joining = false;
        self.rebalancing_until = None;
        self.generation += 1;
        let live: Vec<usize> = (0..self.members.len()).filter(|&m| self.members[m].state == MemberState::Active).collect();
        let plan = assignment(group.assignor, logs.len(), live.len());
        for (slot, &member_index) in live.iter().enumerate() {
            let member = &mut self.members[member_index];
            member.assigned = plan[slot].clone();
            member.last_poll = now;
            member.last_heartbeat = now;
            member.last_commit = now;
            member.batch = None;
            for &p in &member.assigned {
                let cursor = &mut self.cursors[p];
                cursor.owner = Some(member_index);
                match cursor.committed {
                    Some(committed) => cursor.position = committed,
                    None => {
                        cursor.position = cursor.frontier;
                        let lost = reset(cursor, &logs[p], group.auto_offset_reset);
                        self.counters.lost += lost;
                        cursor.committed = Some(cursor.position);
                    }
                }
            }
        }
        if now > 0 {
            events.push(GroupEvent::RebalanceDone { generation: self.generation, members: live.len() });
        }
    }
}

/// ⌊a·b / c⌋, truncated to 64 bits as `(a·b / c) as u64` in 128 bits is, but in 64-bit
/// arithmetic when the product fits: 128-bit division is a slow library call, made per member
/// per step.
fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    match a.checked_mul(b) {
        Some(product) => product / c,
        None => (u128::from(a) * u128::from(b) / u128::from(c)) as u64,
    }
}

/// Moves a cursor's position as `auto.offset.reset` says; returns the records skipped that had
/// never been processed.
fn reset(cursor: &mut Cursor, log: &PartitionLog, policy: OffsetReset) -> u64 {
    let to = match policy {
        OffsetReset::Earliest => log.start,
        OffsetReset::Latest => log.end,
    };
    let lost = to.saturating_sub(cursor.frontier);
    cursor.lost += lost;
    cursor.frontier = cursor.frontier.max(to);
    cursor.position = to;
    lost
}

/// Which partitions each of `members` live members gets, in member order.
pub fn assignment(assignor: Assignor, partitions: usize, members: usize) -> Vec<Vec<usize>> {
    let mut plan = vec![Vec::new(); members];
    if members == 0 {
        return plan;
    }
    match assignor {
        Assignor::Range => {
            let (each, extra) = (partitions / members, partitions % members);
            let mut next = 0;
            for (slot, owned) in plan.iter_mut().enumerate() {
                let count = each + usize::from(slot < extra);
                owned.extend(next..next + count);
                next += count;
            }
        }
        Assignor::Roundrobin => {
            for p in 0..partitions {
                plan[p % members].push(p);
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_gives_the_first_members_one_extra() {
        assert_eq!(assignment(Assignor::Range, 5, 2), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(assignment(Assignor::Roundrobin, 5, 2), vec![vec![0, 2, 4], vec![1, 3]]);
    }

    #[test]
    fn members_beyond_the_partitions_get_nothing() {
        for assignor in [Assignor::Range, Assignor::Roundrobin] {
            let plan = assignment(assignor, 3, 5);
            assert_eq!(plan.iter().filter(|p| p.is_empty()).count(), 2);
            let mut all: Vec<usize> = plan.concat();
            all.sort();
            assert_eq!(all, vec![0, 1, 2], "each partition exactly once");
        }
    }
}
