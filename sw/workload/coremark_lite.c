/* workload: a CoreMark-like integer workload (not CoreMark itself), deterministic, no floating point.
 * Kernels: linked list (build, reverse, merge sort, find), integer matrix multiply, a number-parsing
 * state machine over a string, CRC-16/CCITT and CRC-32 (bitwise and table-driven), quicksort + binary
 * search, and an open-addressing hash table. Each prints a checksum; the final line combines them.
 *
 * `iterations` is a volatile global so a test can change it through the ELF symbol (default 20, about
 * 50 thousand retired instructions per iteration). */
#include <stdint.h>

#include "print.h"

volatile int iterations = 20;

/* ---- helpers --------------------------------------------------------------------------------- */
static uint32_t rng_state;
static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static uint16_t crc16_update(uint16_t crc, uint8_t b)
{
    crc ^= (uint16_t)(b << 8);
    for (int i = 0; i < 8; i++)
        crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        crc = crc16_update(crc, (uint8_t)(v >> (8 * i)));
    return crc;
}

/* ---- linked list ----------------------------------------------------------------------------- */
#define LIST_N 48
struct node {
    struct node *next;
    int32_t key;
    int32_t val;
};
static struct node nodes[LIST_N];

static struct node *list_build(void)
{
    struct node *head = 0;
    for (int i = 0; i < LIST_N; i++) {
        nodes[i].key = (int32_t)(rng() % 1000) - 500;
        nodes[i].val = i;
        nodes[i].next = head;
        head = &nodes[i];
    }
    return head;
}

static struct node *list_reverse(struct node *h)
{
    struct node *prev = 0;
    while (h) {
        struct node *n = h->next;
        h->next = prev;
        prev = h;
        h = n;
    }
    return prev;
}

static struct node *list_merge(struct node *a, struct node *b)
{
    struct node head, *t = &head;
    while (a && b) {
        if (a->key <= b->key) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static struct node *list_sort(struct node *h)
{
    if (!h || !h->next)
        return h;
    struct node *slow = h, *fast = h->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *b = slow->next;
    slow->next = 0;
    return list_merge(list_sort(h), list_sort(b));
}

static uint16_t bench_list(uint16_t crc)
{
    struct node *h = list_build();
    h = list_reverse(h);
    for (struct node *n = h; n; n = n->next)
        crc = crc16_u32(crc, (uint32_t)n->val);
    h = list_sort(h);
    int32_t prev = -100000, ordered = 1, pos = 0;
    for (struct node *n = h; n; n = n->next, pos++) {
        ordered &= n->key >= prev;
        prev = n->key;
        crc = crc16_u32(crc, (uint32_t)(n->key * 31 + pos));
    }
    /* find: the position of a few keys */
    for (int k = -500; k < 500; k += 97) {
        int idx = 0;
        struct node *n = h;
        while (n && n->key < k) {
            n = n->next;
            idx++;
        }
        crc = crc16_u32(crc, (uint32_t)idx);
    }
    return crc16_u32(crc, (uint32_t)ordered);
}

/* ---- matrix multiply ------------------------------------------------------------------------- */
#define MAT_N 8
static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static uint16_t bench_matrix(uint16_t crc)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (int32_t)(rng() & 0xffff) - 0x8000;
            mb[i][j] = (int32_t)(rng() & 0xff) - 0x80;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int64_t s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += (int64_t)ma[i][k] * mb[k][j];
            mc[i][j] = (int32_t)(s >> 2);
        }
    int64_t trace = 0;
    for (int i = 0; i < MAT_N; i++) {
        trace += mc[i][i];
        for (int j = 0; j < MAT_N; j++)
            crc = crc16_u32(crc, (uint32_t)mc[i][j]);
    }
    return crc16_u32(crc, (uint32_t)trace);
}

/* ---- state machine: classify the tokens of a string ------------------------------------------- */
enum state { S_START, S_INT, S_SIGN, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT, S_HEX, S_INVALID, S_NSTATES };

static const char *const tokens[] = {"5012", "-3.14e+7", "0x1f", "+", "1.2.3", "77e", "0xzz", "-0", "3.0e-2",
                                     "abc", "9999999", "-.5", "0x7fffFFFF", "12e4", "--1", "."};

static enum state step(enum state s, char c)
{
    int digit = c >= '0' && c <= '9';
    int hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    switch (s) {
    case S_START:
        return digit ? S_INT : (c == '+' || c == '-') ? S_SIGN : c == '.' ? S_FRAC : S_INVALID;
    case S_SIGN:
        return digit ? S_INT : c == '.' ? S_FRAC : S_INVALID;
    case S_INT:
        return digit ? S_INT : c == '.' ? S_FRAC : (c == 'e' || c == 'E') ? S_EXP : c == 'x' ? S_HEX : S_INVALID;
    case S_FRAC:
        return digit ? S_FRAC : (c == 'e' || c == 'E') ? S_EXP : S_INVALID;
    case S_EXP:
        return digit ? S_EXP_INT : (c == '+' || c == '-') ? S_EXP_SIGN : S_INVALID;
    case S_EXP_SIGN:
    case S_EXP_INT:
        return digit ? S_EXP_INT : S_INVALID;
    case S_HEX:
        return hex ? S_HEX : S_INVALID;
    default:
        return S_INVALID;
    }
}

static uint16_t bench_state(uint16_t crc)
{
    uint32_t final_count[S_NSTATES] = {0};
    uint32_t transitions = 0;
    for (unsigned t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
        enum state s = S_START;
        for (const char *p = tokens[t]; *p; p++) {
            enum state n = step(s, *p);
            transitions += n != s;
            s = n;
        }
        final_count[s]++;
    }
    for (int i = 0; i < S_NSTATES; i++)
        crc = crc16_u32(crc, final_count[i]);
    return crc16_u32(crc, transitions);
}

/* ---- CRC-32 ---------------------------------------------------------------------------------- */
static uint32_t crc32_table[256];
static uint8_t crc_buf[256];

static uint32_t crc32_bitwise(const uint8_t *p, unsigned n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t crc32_table_driven(const uint8_t *p, unsigned n)
{
    uint32_t c = 0xffffffffu;
    while (n--)
        c = crc32_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint16_t bench_crc(uint16_t crc)
{
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc32_table[i] = c;
    }
    for (unsigned i = 0; i < sizeof(crc_buf); i++)
        crc_buf[i] = (uint8_t)rng();
    uint32_t a = crc32_bitwise(crc_buf, 64);
    uint32_t b = crc32_table_driven(crc_buf, 64);
    uint32_t c = crc32_table_driven(crc_buf, sizeof(crc_buf));
    crc = crc16_u32(crc, a);
    crc = crc16_u32(crc, b ^ a); /* 0 when both agree */
    return crc16_u32(crc, c);
}

/* ---- quicksort + binary search ---------------------------------------------------------------- */
#define SORT_N 96
static int32_t arr[SORT_N];

static void quicksort(int32_t *a, int lo, int hi)
{
    while (lo < hi) {
        int32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static int bsearch_i32(const int32_t *a, int n, int32_t key)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) >> 1;
        if (a[mid] == key)
            return mid;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1 - lo;
}

static uint16_t bench_sort(uint16_t crc)
{
    for (int i = 0; i < SORT_N; i++)
        arr[i] = (int32_t)rng() - (1 << 23);
    quicksort(arr, 0, SORT_N - 1);
    int ordered = 1;
    for (int i = 1; i < SORT_N; i++)
        ordered &= arr[i - 1] <= arr[i];
    crc = crc16_u32(crc, (uint32_t)ordered);
    for (int i = 0; i < SORT_N; i += 5) {
        crc = crc16_u32(crc, (uint32_t)arr[i]);
        crc = crc16_u32(crc, (uint32_t)bsearch_i32(arr, SORT_N, arr[i]));
        crc = crc16_u32(crc, (uint32_t)bsearch_i32(arr, SORT_N, arr[i] + 1));
    }
    return crc;
}

/* ---- hash table (open addressing, linear probing) --------------------------------------------- */
#define HT_SIZE 128
static uint64_t ht_key[HT_SIZE];
static uint32_t ht_val[HT_SIZE];

static uint32_t hash64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (uint32_t)k;
}

static int ht_put(uint64_t k, uint32_t v)
{
    uint32_t h = hash64(k) & (HT_SIZE - 1), probes = 0;
    while (ht_key[h] && ht_key[h] != k) {
        h = (h + 1) & (HT_SIZE - 1);
        probes++;
    }
    ht_key[h] = k;
    ht_val[h] += v;
    return (int)probes;
}

static int64_t ht_get(uint64_t k)
{
    uint32_t h = hash64(k) & (HT_SIZE - 1);
    for (int n = 0; n < HT_SIZE && ht_key[h]; n++) {
        if (ht_key[h] == k)
            return ht_val[h];
        h = (h + 1) & (HT_SIZE - 1);
    }
    return -1;
}

static uint16_t bench_hash(uint16_t crc)
{
    for (int i = 0; i < HT_SIZE; i++) {
        ht_key[i] = 0;
        ht_val[i] = 0;
    }
    uint32_t probes = 0;
    for (int i = 0; i < 80; i++)
        probes += (uint32_t)ht_put(((uint64_t)(rng() % 60) << 32) | 0x9e37u, (uint32_t)i);
    int64_t sum = 0;
    for (uint64_t k = 0; k < 70; k++)
        sum += ht_get((k << 32) | 0x9e37u);
    crc = crc16_u32(crc, probes);
    crc = crc16_u32(crc, (uint32_t)sum);
    return crc16_u32(crc, (uint32_t)(sum >> 32));
}

/* ---- main ------------------------------------------------------------------------------------ */
int main(void)
{
    static const char *const names[] = {"list", "matrix", "state", "crc", "sort", "hash"};
    static uint16_t (*const kernels[])(uint16_t) = {bench_list, bench_matrix, bench_state, bench_crc,
                                                   bench_sort, bench_hash};
    uint16_t sums[6] = {0};
    int n = iterations;

    printf("workload: coremark_lite, %d iterations\n", n);
    {
        /* known answers: CRC-32 and CRC-16/CCITT-FALSE of "123456789" are cbf43926 and 29b1 */
        static const uint8_t check[] = "123456789";
        uint16_t c16 = 0xffff;
        for (int i = 0; i < 9; i++)
            c16 = crc16_update(c16, check[i]);
        printf("selfcheck crc32 %08x crc16 %04x\n", crc32_bitwise(check, 9), c16);
    }
    rng_state = 0x12345678u;
    for (int it = 0; it < n; it++)
        for (int k = 0; k < 6; k++)
            sums[k] = kernels[k](sums[k]);

    uint16_t total = 0xffff;
    for (int k = 0; k < 6; k++) {
        printf("%-8s crc %04x\n", names[k], sums[k]);
        total = crc16_u32(total, sums[k]);
    }
    printf("final    crc %04x\n", total);
    return 0;
}
