//! An insertion sort for the few short lists the app orders (a handful of formats). std's
//! stable sort instantiates its merge sort per call site, which costs the wasm bundle kilobytes
//! for lists of ten items.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    for next in 1..items.len() {
        let mut at = next;
        while at > 0 && compare(&items[at - 1], &items[at]) == Ordering::Greater {
            items.swap(at - 1, at);
            at -= 1;
        }
    }
}

/// Sorts `items` stably by `key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` and removes repeats.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_by_key() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by_key(&mut items, |item| item.0);
        assert_eq!(
            items,
            vec![(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]
        );
        let mut empty: Vec<u8> = Vec::new();
        sort_by_key(&mut empty, |item| *item);
        assert!(empty.is_empty());
    }

    #[test]
    fn sorts_and_drops_repeats() {
        let mut items = vec!["png", "jpg", "png", "csv", "jpg"];
        sort_dedup(&mut items);
        assert_eq!(items, vec!["csv", "jpg", "png"]);
    }
}
