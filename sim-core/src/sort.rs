//! One stable sort for every element type.
//!
//! The standard library's stable sort is generic over the element and the comparison:
//! each `sort_by` call site of another type is 3-4 KB of WebAssembly, about 50 of them in the
//! page. These sort the positions (one instance of the standard sort, for `usize` with a
//! comparison behind `dyn`) and then move the elements into place: the same order as
//! `slice::sort_by`, equal elements kept in their order.

use std::cmp::Ordering;

/// Stable sorts through [`sort_by`]: `v.sort_stable()` is `v.sort()`, and so on.
pub trait SortSlice<T> {
    fn sort_stable(&mut self)
    where
        T: Ord;
    fn sort_stable_by<F: FnMut(&T, &T) -> Ordering>(&mut self, cmp: F);
    fn sort_stable_by_key<K: Ord, F: FnMut(&T) -> K>(&mut self, key: F);
}

impl<T> SortSlice<T> for [T] {
    fn sort_stable(&mut self)
    where
        T: Ord,
    {
        sort_by(self, T::cmp)
    }

    fn sort_stable_by<F: FnMut(&T, &T) -> Ordering>(&mut self, cmp: F) {
        sort_by(self, cmp)
    }

    fn sort_stable_by_key<K: Ord, F: FnMut(&T) -> K>(&mut self, mut key: F) {
        sort_by(self, |a, b| key(a).cmp(&key(b)))
    }
}

/// Sorts `v` by `cmp`, stably.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let v: &[T] = v;
        sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    }
    permute(v, &mut order);
}

/// The one instance of the standard library's stable sort.
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Puts `v[order[i]]` at `i` for every `i`, following the permutation's cycles.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != at {
            let next = order[at];
            // `at` receives the element now at `next`; `next` holds the cycle's first element.
            order[at] = at;
            if order[next] == next {
                break;
            }
            v.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_order_as_the_standard_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v.clone();
            got.sort_stable_by_key(|x| x.0);
            prop_assert_eq!(&got, &want);
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            got.sort_stable();
            prop_assert_eq!(got, want);
        }
    }
}
