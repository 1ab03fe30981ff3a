//! The batches that hold a poller (up to 1,000), with a wheel of the steps at which each one
//! next needs attention, so that a step visits only the batches that are due instead of
//! scanning all of them in every pass. Batches received in a row that are in the same state are
//! held as one entry with a count (see [`Batch::invocations`]), so that hundreds of handlers
//! waiting alike cost one visit, not hundreds.

use super::sim::{Batch, Phase, STEP_MS};
use crate::engine::Millis;
use std::collections::BTreeMap;
use std::fmt;

/// Steps the wheel covers; later wake-ups wait in `later` until they come within range.
const WHEEL_STEPS: u64 = 128;

/// Where a batch is held, and which batch it was (a slot is reused once its batch is gone): the
/// id of its first invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Handle {
    pub id: u64,
    slot: usize,
}

/// The batches, in slots reused as batches leave, and their wake-ups. A wake-up is only a hint
/// to look at a batch at that step: the batch may have moved on or left since, so every pass
/// checks the batch itself. Everything but the batches is derived from them, so `Debug` (and
/// with it the state hash) shows only the batches, in receive order, exactly as a `Vec` would.
#[derive(Clone, Default)]
pub struct Batches {
    slots: Vec<Option<Batch>>,
    free: Vec<usize>,
    /// Entries held.
    cohorts: usize,
    /// Invocations they stand for: the pollers they hold.
    invocations: u64,
    /// The step whose wake-ups were taken last.
    step: u64,
    /// Wake-ups for the next [`WHEEL_STEPS`] steps, by step number modulo its length.
    wheel: Vec<Vec<Handle>>,
    /// Wake-ups further out: (step number, handle).
    later: Vec<(u64, Handle)>,
    /// An emptied bucket, kept for its capacity.
    spare: Vec<Handle>,
    /// The RDS Proxy queue, served in receive order (as every pass visits batches).
    proxy_queue: BTreeMap<u64, Handle>,
}

impl fmt::Debug for Batches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.in_receive_order()).finish()
    }
}

/// The first step at whose end a time `at` has come (steps end at multiples of [`STEP_MS`]).
fn step_of(at: Millis) -> u64 {
    at.div_ceil(STEP_MS)
}

impl Batches {
    /// Pollers held: one per invocation.
    pub fn invocations(&self) -> u64 {
        self.invocations
    }
    /// Entries held, each standing for one or more invocations.
    pub fn cohorts(&self) -> usize {
        self.cohorts
    }
    pub fn is_empty(&self) -> bool {
        self.cohorts == 0
    }
    pub fn in_receive_order(&self) -> Vec<&Batch> {
        let mut batches: Vec<&Batch> = self.slots.iter().flatten().collect();
        batches.sort_unstable_by_key(|b| b.id);
        batches
    }
    /// The batch, if it is still held.
    pub fn get(&self, handle: Handle) -> Option<&Batch> {
        self.slots[handle.slot].as_ref().filter(|b| b.id == handle.id)
    }
    /// The batch, if it is still held.
    pub fn get_mut(&mut self, handle: Handle) -> Option<&mut Batch> {
        self.slots[handle.slot].as_mut().filter(|b| b.id == handle.id)
    }

    /// Lends a held batch out, for code that changes it together with the rest of the system;
    /// [`Batches::put_back`] returns it.
    pub fn lend(&mut self, handle: Handle) -> Batch {
        let batch = self.slots[handle.slot].take().expect("a held batch");
        self.cohorts -= 1;
        self.invocations -= batch.invocations;
        batch
    }

    /// Returns a lent batch and wakes it when its (possibly new) phase is due. It must still
    /// start with the same invocation; it may stand for fewer of them (the others were split off
    /// with [`Batches::insert`]).
    pub fn put_back(&mut self, handle: Handle, batch: Batch) {
        debug_assert_eq!(batch.id, handle.id);
        self.cohorts += 1;
        self.invocations += batch.invocations;
        self.slots[handle.slot] = Some(batch);
        self.rescheduled(handle);
    }

    /// Holds a new batch, or invocations split off a lent one, and returns its handle.
    pub fn insert(&mut self, batch: Batch) -> Handle {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        let handle = Handle { id: batch.id, slot };
        self.wake_at(batch.visible_at, handle);
        self.cohorts += 1;
        self.invocations += batch.invocations;
        self.slots[slot] = Some(batch);
        self.rescheduled(handle);
        handle
    }

    /// The next invocations received join the batch, which [absorbs](Batch::absorbs) them.
    pub fn grow(&mut self, handle: Handle, next: Batch) {
        if let Some(batch) = self.slots[handle.slot].as_mut().filter(|b| b.id == handle.id) {
            self.invocations += next.invocations;
            batch.absorb(next);
        }
    }

    pub fn remove(&mut self, handle: Handle) -> Batch {
        let batch = self.slots[handle.slot].take().expect("a held batch");
        self.free.push(handle.slot);
        self.cohorts -= 1;
        self.invocations -= batch.invocations;
        self.proxy_queue.remove(&handle.id);
        batch
    }

    /// Call after a batch's phase changed: it is woken when the new phase is due.
    pub fn rescheduled(&mut self, handle: Handle) {
        let Some(batch) = self.slots[handle.slot].as_ref() else { return };
        let at = match batch.phase {
            Phase::Working { ends_at, .. } => ends_at,
            Phase::Connecting { retry_at, .. } => retry_at.min(batch.deadline),
            Phase::Throttled { retry_at } => retry_at,
            Phase::ProxyQueued => {
                self.proxy_queue.insert(handle.id, handle);
                batch.deadline
            }
        };
        if batch.phase != Phase::ProxyQueued {
            self.proxy_queue.remove(&handle.id);
        }
        self.wake_at(at, handle);
    }

    fn wake_at(&mut self, at: Millis, handle: Handle) {
        if self.wheel.is_empty() {
            self.wheel = vec![Vec::new(); WHEEL_STEPS as usize];
        }
        // What is due now is looked at in the next step, as a full scan would.
        let step = step_of(at).max(self.step + 1);
        if step - self.step <= WHEEL_STEPS {
            self.wheel[(step % WHEEL_STEPS) as usize].push(handle);
        } else {
            self.later.push((step, handle));
        }
    }

    /// The batches to look at in the step ending at `now`, in receive order (the order the
    /// passes visit batches in, which decides who gets a connection and the random draws).
    pub fn wake(&mut self, now: Millis) -> Vec<Handle> {
        self.step = step_of(now);
        if self.wheel.is_empty() {
            return Vec::new();
        }
        if self.step % WHEEL_STEPS == 0 {
            let (step, wheel, slots) = (self.step, &mut self.wheel, &self.slots);
            self.later.retain(|&(at, handle)| {
                let held = slots[handle.slot].as_ref().is_some_and(|b| b.id == handle.id);
                // Strictly inside: the bucket of `step + WHEEL_STEPS` is the one taken now.
                if held && at - step < WHEEL_STEPS {
                    wheel[(at % WHEEL_STEPS) as usize].push(handle);
                }
                held && at - step >= WHEEL_STEPS
            });
        }
        let mut due = std::mem::take(&mut self.spare);
        std::mem::swap(&mut due, &mut self.wheel[(self.step % WHEEL_STEPS) as usize]);
        due.retain(|h| self.slots[h.slot].as_ref().is_some_and(|b| b.id == h.id));
        due.sort_unstable();
        due.dedup();
        due
    }

    /// Takes back what [`Batches::wake`] returned, to reuse its memory.
    pub fn recycle(&mut self, mut due: Vec<Handle>) {
        due.clear();
        self.spare = due;
    }

    /// The first batch in the RDS Proxy queue.
    pub fn proxy_head(&self) -> Option<Handle> {
        self.proxy_queue.values().next().copied()
    }
}
