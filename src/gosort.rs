//! Go's `sort.Slice`, ported exactly: the element order it leaves equal
//! elements in is part of what a Go program does.
//!
//! Today's runsc orders a container's mounts with
//! `sort.Slice(mounts, len(a.Destination) < len(b.Destination))`
//! (`runsc/boot/vfs.go`). `sort.Slice` is not stable: past 12 elements,
//! mounts whose destinations have the same length come out in an order only
//! Go's algorithm predicts, and that order decides which duplicate
//! destination stacks on top, the `/proc/mounts` order and which error shows
//! first. A stable sort would be wrong, so this ports `pdqsort_func` and its
//! helpers from Go's `sort/zsortfunc.go`, comparison for comparison and swap
//! for swap.
//!
//! Which Go: gVisor at `3c5eee17` builds with Go 1.26.3 (its `go.mod`).
//! `zsortfunc.go` is the same in Go 1.19 and 1.26; `sort.go`'s `xorshift`,
//! which `breakPatterns` uses to scatter elements after an unbalanced
//! partition, is not: Go 1.19 shifts by 13, 17, 5 and Go 1.26 by 13, 7, 17.
//! We follow 1.26. `tests/gosort.rs` checks this port against vectors that Go
//! 1.26.3's own `sort.Slice` produced (`tests/tools/gosort_vectors.go`).

/// `sort.Slice(data, less)`: sorts `data` in place so that no element is
/// `less` than the one before it, leaving equal elements where Go would.
/// `less` must be a strict weak order, as Go requires.
pub fn slice<T>(data: &mut [T], less: impl FnMut(&T, &T) -> bool) {
    let length = data.len();
    // `limit := bits.Len(uint(length))`
    let limit = bits_len(length);
    let mut d = LessSwap { data, less };
    pdqsort(&mut d, 0, length, limit);
}

/// Go's `lessSwap`: comparisons and swaps by index. The indices come from
/// the algorithm and are always in range; out-of-range ones compare false
/// and swap nothing rather than panic.
struct LessSwap<'a, T, F> {
    data: &'a mut [T],
    less: F,
}

impl<T, F: FnMut(&T, &T) -> bool> LessSwap<'_, T, F> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        match (self.data.get(i), self.data.get(j)) {
            (Some(a), Some(b)) => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if i < self.data.len() && j < self.data.len() {
            self.data.swap(i, j);
        }
    }
}

/// `bits.Len(uint(x))`: the number of bits needed to represent `x`.
fn bits_len(x: usize) -> usize {
    (usize::BITS - x.leading_zeros()) as usize
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortedHint {
    Unknown,
    Increasing,
    Decreasing,
}

/// `insertionSort_func`: sorts `data[a:b]`.
fn insertion_sort<T, F: FnMut(&T, &T) -> bool>(d: &mut LessSwap<T, F>, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && d.less(j, j - 1) {
            d.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// `siftDown_func`: the heap property on `data[lo:hi]`, the heap's root at
/// offset `first`.
fn sift_down<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    lo: usize,
    hi: usize,
    first: usize,
) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && d.less(first + child, first + child + 1) {
            child += 1;
        }
        if !d.less(first + root, first + child) {
            return;
        }
        d.swap(first + root, first + child);
        root = child;
    }
}

/// `heapSort_func`: the fallback after too many bad pivots.
fn heap_sort<T, F: FnMut(&T, &T) -> bool>(d: &mut LessSwap<T, F>, a: usize, b: usize) {
    let first = a;
    let hi = b - a;
    // Build the heap with the greatest element at the top.
    let mut i = hi.wrapping_sub(1) / 2;
    if hi > 0 {
        loop {
            sift_down(d, i, hi, first);
            if i == 0 {
                break;
            }
            i -= 1;
        }
    }
    // Pop elements, largest first, into the end of data.
    for i in (0..hi).rev() {
        d.swap(first, first + i);
        sift_down(d, 0, i, first);
    }
}

/// `pdqsort_func`: sorts `data[a:b]`; `limit` is how many bad (very
/// unbalanced) pivots are allowed before falling back to heapsort.
fn pdqsort<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    mut a: usize,
    mut b: usize,
    mut limit: usize,
) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(d, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(d, a, b);
            return;
        }
        // The last partitioning was imbalanced: break patterns.
        if !was_balanced {
            break_patterns(d, a, b);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(d, a, b);
        if hint == SortedHint::Decreasing {
            reverse_range(d, a, b);
            // The pivot was pivot-a elements after the start; after the
            // reversal it is pivot-a elements before the end.
            pivot = (b - 1) - (pivot - a);
            hint = SortedHint::Increasing;
        }
        // Probably already sorted.
        if was_balanced
            && was_partitioned
            && hint == SortedHint::Increasing
            && partial_insertion_sort(d, a, b)
        {
            return;
        }
        // Probably many duplicates: put the elements equal to the pivot
        // first and go on with the greater ones.
        if a > 0 && !d.less(a - 1, pivot) {
            a = partition_equal(d, a, b, pivot);
            continue;
        }
        let (mid, already_partitioned) = partition(d, a, b, pivot);
        was_partitioned = already_partitioned;
        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(d, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(d, mid + 1, b, limit);
            b = mid;
        }
    }
}

/// `partition_func`: one quicksort partition around `data[pivot]`; returns
/// the pivot's new index and whether nothing had to move.
fn partition<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
    pivot: usize,
) -> (usize, bool) {
    d.swap(a, pivot);
    // i and j are inclusive bounds of what is left to partition; j can
    // reach a (never below), so it is signed as in Go.
    let (mut i, mut j) = (a + 1, b as isize - 1);
    while i as isize <= j && d.less(i, a) {
        i += 1;
    }
    while i as isize <= j && !d.less(j as usize, a) {
        j -= 1;
    }
    if i as isize > j {
        d.swap(j as usize, a);
        return (j as usize, true);
    }
    d.swap(i, j as usize);
    i += 1;
    j -= 1;
    loop {
        while i as isize <= j && d.less(i, a) {
            i += 1;
        }
        while i as isize <= j && !d.less(j as usize, a) {
            j -= 1;
        }
        if i as isize > j {
            break;
        }
        d.swap(i, j as usize);
        i += 1;
        j -= 1;
    }
    d.swap(j as usize, a);
    (j as usize, false)
}

/// `partitionEqual_func`: `data[a:b]` holds nothing smaller than the pivot;
/// moves the elements equal to it first and returns where the greater ones
/// start.
fn partition_equal<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
    pivot: usize,
) -> usize {
    d.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b as isize - 1);
    loop {
        while i as isize <= j && !d.less(a, i) {
            i += 1;
        }
        while i as isize <= j && d.less(a, j as usize) {
            j -= 1;
        }
        if i as isize > j {
            break;
        }
        d.swap(i, j as usize);
        i += 1;
        j -= 1;
    }
    i
}

/// `partialInsertionSort_func`: fixes up to five out-of-order neighbours;
/// true when `data[a:b]` ends up sorted.
fn partial_insertion_sort<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !d.less(i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        d.swap(i, i - 1);
        // Shift the smaller one to the left. Go's loop runs down to index
        // 1, not a + 1; kept as written.
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
                j -= 1;
            }
        }
        // Shift the greater one to the right.
        if b - i >= 2 {
            for j in i + 1..b {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
            }
        }
    }
    false
}

/// `breakPatterns_func`: swaps three elements around the middle with
/// pseudo-random others, seeded by the length.
fn break_patterns<T, F: FnMut(&T, &T) -> bool>(d: &mut LessSwap<T, F>, a: usize, b: usize) {
    let length = b - a;
    if length < 8 {
        return;
    }
    let mut random = length as u64;
    // `nextPowerOfTwo(length)`: 1 << bits.Len(uint(length)).
    let modulus = 1u64.checked_shl(bits_len(length) as u32).unwrap_or(0);
    let mid = a + (length / 4) * 2;
    for idx in mid - 1..=mid + 1 {
        // `xorshift.Next` as of Go 1.20 (Go 1.19 used 13, 17, 5).
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut other = (random & modulus.wrapping_sub(1)) as usize;
        if other >= length {
            other -= length;
        }
        d.swap(idx, a + other);
    }
}

/// `choosePivot_func`: a static pivot below 8 elements, the median of three
/// below 50, Tukey's ninther above; the hint says whether the samples
/// looked sorted either way.
fn choose_pivot<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
) -> (usize, SortedHint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median(d, i - 1, i, i + 1, &mut swaps);
            j = median(d, j - 1, j, j + 1, &mut swaps);
            k = median(d, k - 1, k, k + 1, &mut swaps);
        }
        j = median(d, i, j, k, &mut swaps);
    }
    match swaps {
        0 => (j, SortedHint::Increasing),
        MAX_SWAPS => (j, SortedHint::Decreasing),
        _ => (j, SortedHint::Unknown),
    }
}

/// `order2_func`: the pair ordered so that `data[x] <= data[y]`.
fn order2<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
    swaps: &mut usize,
) -> (usize, usize) {
    if d.less(b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

/// `median_func`: the index of the median of `data[a]`, `data[b]`, `data[c]`.
fn median<T, F: FnMut(&T, &T) -> bool>(
    d: &mut LessSwap<T, F>,
    a: usize,
    b: usize,
    c: usize,
    swaps: &mut usize,
) -> usize {
    let (a, b) = order2(d, a, b, swaps);
    let (b, _) = order2(d, b, c, swaps);
    let (_, b) = order2(d, a, b, swaps);
    b
}

/// `reverseRange_func`.
fn reverse_range<T, F: FnMut(&T, &T) -> bool>(d: &mut LessSwap<T, F>, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_key(keys: &[u32]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        slice(&mut idx, |x, y| keys[*x] < keys[*y]);
        idx
    }

    #[test]
    fn twelve_or_fewer_is_a_stable_insertion_sort() {
        assert_eq!(by_key(&[2, 1, 2, 1, 0]), vec![4, 1, 3, 0, 2]);
    }

    #[test]
    fn empty_and_single_are_fine() {
        assert!(by_key(&[]).is_empty());
        assert_eq!(by_key(&[7]), vec![0]);
    }

    #[test]
    fn bits_len_matches_go() {
        assert_eq!(
            [0, 1, 2, 3, 4, 12, 13, 64].map(bits_len),
            [0, 1, 2, 2, 3, 4, 4, 7]
        );
    }
}
