//! Work spread over the machine's cores.
//!
//! Large configs spend their time in per-alert work (parsing conditions, writing rule tests).
//! [`map`] hands items out one at a time to one thread per core, so uneven items balance,
//! and returns the results in the items' order: the output never depends on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over `items` on every core; results in the items' order. A panic in `f` is re-raised.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut parts = vec![work()];
        for h in helpers {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        parts
    });
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every item is taken exactly once"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so the threads finish items out of order.
        let out = super::map(&items, |&i| {
            let mut x = i;
            for _ in 0..(i % 7) * 1000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
            }
            (i, x)
        });
        assert_eq!(out.iter().map(|(i, _)| *i).collect::<Vec<_>>(), items);
        assert!(super::map(&[] as &[u8], |_| 0).is_empty());
    }
}
