/* isa_ldst: ld/st .b .h .w .d, ld.bu/.hu/.wu, ldx/stx of every width, ldptr/stptr .w/.d, ll/sc .w/.d,
 * and every am* (incl. _db) in .w and .d. Addresses are naturally aligned (the core has no unaligned
 * access). Offsets are printed relative to p, the middle of a 64 KiB arena, and range over the whole
 * si12 (ld/st), si14<<2 (ldptr/stptr) and a +-32 KiB index (ldx/stx).
 *
 * Lines: "<insn> @<offset> -> <loaded value>" for loads; "<insn> @<offset> <value> -> <dword that
 * contains the store>" for stores (its other bytes were 0xa5); "<insn> <mem before> <rk> -> <rd> mem
 * <mem after>" for am* (a .w am* works on the low word of a dword whose high word is 0x11111111). */
#include "isa.h"

static unsigned char arena[65536] __attribute__((aligned(16)));
#define p (arena + 32768)

/* not periodic in the offset, so a wrong offset bit shows up as a different byte */
static unsigned char pat(long off) { return (unsigned char)(((uint32_t)off * 0x9e3779b1u + 0x5bu) >> 24); }

static void fill(long from, long n)
{
    for (long i = from; i < from + n; i++)
        p[i] = pat(i);
}

static void rep_ld(const char *insn, long off, u64 r)
{
    print_str(insn);
    print_str(" @");
    print_dec(off);
    arrow();
    print_hex64(r);
    putchar('\n');
}

static void rep_st(const char *insn, long off, u64 v, u64 dword)
{
    print_str(insn);
    print_str(" @");
    print_dec(off);
    sp();
    print_hex64(v);
    arrow();
    print_hex64(dword);
    putchar('\n');
}

static void rep_am(const char *insn, u64 before, u64 v, u64 old, u64 after)
{
    print_str(insn);
    sp();
    print_hex64(before);
    sp();
    print_hex64(v);
    arrow();
    print_hex64(old);
    print_str(" mem ");
    print_hex64(after);
    putchar('\n');
}

/* --- loads ------------------------------------------------------------------------------------ */
#define LD(insn, off) do {                                                                        \
        u64 r_;                                                                                   \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(p), "i"(off) : "memory");            \
        rep_ld(insn, off, r_);                                                                    \
    } while (0);
#define LDX(insn, idx) do {                                                                       \
        u64 r_;                                                                                   \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(p), "r"((long)(idx)) : "memory");   \
        rep_ld(insn, idx, r_);                                                                    \
    } while (0);
#define OFF_B(X, i) X(i, -2048) X(i, -1) X(i, 0) X(i, 1) X(i, 2047)
#define OFF_H(X, i) X(i, -2048) X(i, -2) X(i, 0) X(i, 2) X(i, 2046)
#define OFF_W(X, i) X(i, -2048) X(i, -4) X(i, 0) X(i, 4) X(i, 2044)
#define OFF_D(X, i) X(i, -2048) X(i, -8) X(i, 0) X(i, 8) X(i, 2040)
#define IDX_B(X, i) X(i, -32768) X(i, -1) X(i, 0) X(i, 1) X(i, 32767)
#define IDX_H(X, i) X(i, -32768) X(i, -2) X(i, 0) X(i, 6) X(i, 32766)
#define IDX_W(X, i) X(i, -32768) X(i, -4) X(i, 0) X(i, 4) X(i, 32764)
#define IDX_D(X, i) X(i, -32768) X(i, -8) X(i, 0) X(i, 8) X(i, 32760)

/* --- stores: the containing dword is set to 0xa5.. first and printed after ------------------- */
#define STORE_VALUE 0xfedcba9876543210ULL
#define FILL_A5 0xa5a5a5a5a5a5a5a5ULL
#define DWORD_AT(off) (*(volatile u64 *)(p + ((off) & ~7L)))
#define ST(insn, off) do {                                                                        \
        DWORD_AT(off) = FILL_A5;                                                                  \
        __asm__ volatile(insn " %0, %1, %2" : : "r"(STORE_VALUE), "r"(p), "i"(off) : "memory");   \
        rep_st(insn, off, STORE_VALUE, DWORD_AT(off));                                            \
    } while (0);
#define STX(insn, idx) do {                                                                       \
        DWORD_AT(idx) = FILL_A5;                                                                  \
        __asm__ volatile(insn " %0, %1, %2" : : "r"(STORE_VALUE), "r"(p), "r"((long)(idx))       \
                         : "memory");                                                             \
        rep_st(insn, idx, STORE_VALUE, DWORD_AT(idx));                                            \
    } while (0);

/* --- ll/sc ------------------------------------------------------------------------------------ */
static u64 llsc_w[2] __attribute__((aligned(8))) = {0x2222222280000001ULL, 0};
static u64 llsc_d[2] __attribute__((aligned(8))) = {0x8000000000000001ULL, 0};
static u64 never_ll[2] __attribute__((aligned(8))) = {0x3333333344444444ULL, 0x5555555566666666ULL};

static void rep_sc(const char *what, u64 rd, u64 mem)
{
    print_str(what);
    print_str(" -> ");
    print_hex64(rd);
    print_str(" mem ");
    print_hex64(mem);
    putchar('\n');
}

static void test_llsc(void)
{
    u64 r, v;
    section("isa_ldst: ll/sc");
    /* sc without any prior ll (first ll/sc of the program): fails, memory unchanged */
    r = 0x0bad0bad;
    __asm__ volatile("sc.w %0, %1, 0" : "+r"(r) : "r"(&never_ll[0]) : "memory");
    rep_sc("sc.w (no ll)", r, never_ll[0]);
    r = 0x0bad0bad;
    __asm__ volatile("sc.d %0, %1, 8" : "+r"(r) : "r"(&never_ll[0]) : "memory");
    rep_sc("sc.d (no ll) @8", r, never_ll[1]);

    /* ll.w sign-extends; sc.w succeeds; a second sc.w (no new ll) fails */
    __asm__ volatile("ll.w %0, %1, 0" : "=r"(v) : "r"(&llsc_w[0]) : "memory");
    rep_sc("ll.w", v, llsc_w[0]);
    r = 0x00000000fedcba98ULL;
    __asm__ volatile("sc.w %0, %1, 0" : "+r"(r) : "r"(&llsc_w[0]) : "memory");
    rep_sc("sc.w after ll.w", r, llsc_w[0]);
    r = 0x0000000012345678ULL;
    __asm__ volatile("sc.w %0, %1, 0" : "+r"(r) : "r"(&llsc_w[0]) : "memory");
    rep_sc("sc.w after sc.w", r, llsc_w[0]);

    /* .d, with a positive offset from below and a negative one from above */
    __asm__ volatile("ll.d %0, %1, 8" : "=r"(v) : "r"(&llsc_d[0] - 1) : "memory");
    rep_sc("ll.d @8", v, llsc_d[0]);
    __asm__ volatile("ld.d %0, %1, 0" : "=r"(v) : "r"(&llsc_d[1]) : "memory"); /* a load in between */
    r = 0x0123456789abcdefULL;
    __asm__ volatile("sc.d %0, %1, -8" : "+r"(r) : "r"(&llsc_d[1]) : "memory");
    rep_sc("sc.d @-8 after ll.d", r, llsc_d[0]);
    r = 0x1111111111111111ULL;
    __asm__ volatile("sc.d %0, %1, 0" : "+r"(r) : "r"(&llsc_d[0]) : "memory");
    rep_sc("sc.d after sc.d", r, llsc_d[0]);

    /* far offsets: si14 << 2 (ll/sc at p-32768 and p+32764) */
    *(volatile u64 *)(p - 32768) = 0x7777777788888888ULL;
    __asm__ volatile("ll.d %0, %1, -32768" : "=r"(v) : "r"(p) : "memory");
    rep_sc("ll.d @-32768", v, *(volatile u64 *)(p - 32768));
    r = 0xabcdef0123456789ULL;
    __asm__ volatile("sc.d %0, %1, -32768" : "+r"(r) : "r"(p) : "memory");
    rep_sc("sc.d @-32768", r, *(volatile u64 *)(p - 32768));
    *(volatile u64 *)(p + 32760) = 0x9999999900000007ULL;
    __asm__ volatile("ll.w %0, %1, 32764" : "=r"(v) : "r"(p) : "memory");
    rep_sc("ll.w @32764", v, *(volatile u64 *)(p + 32760));
    r = 0x5;
    __asm__ volatile("sc.w %0, %1, 32764" : "+r"(r) : "r"(p) : "memory");
    rep_sc("sc.w @32764", r, *(volatile u64 *)(p + 32760));

    /* the usual retry loop: atomic increment 100 times, counting the attempts */
    static u64 counter = 40;
    u64 tries = 0;
    for (int i = 0; i < 100; i++) {
        u64 t, ok;
        __asm__ volatile("1: ll.d %0, %3, 0\n\t"
                         "addi.d %1, %0, 2\n\t"
                         "addi.d %2, %2, 1\n\t"
                         "sc.d %1, %3, 0\n\t"
                         "beqz %1, 1b"
                         : "=&r"(t), "=&r"(ok), "+r"(tries)
                         : "r"(&counter)
                         : "memory");
    }
    rep_sc("ll.d/sc.d loop x100 (+2), attempts", tries, counter);
}

/* --- am* -------------------------------------------------------------------------------------- */
static u64 amslot __attribute__((aligned(8)));
#define HI_SENTINEL 0x1111111100000000ULL

#define AM_W(insn, m, v) do {                                                                     \
        u64 old_;                                                                                 \
        amslot = HI_SENTINEL | ((m) & 0xffffffffULL);                                             \
        u64 before_ = amslot;                                                                     \
        __asm__ volatile(insn " %0, %2, %1" : "=&r"(old_) : "r"(&amslot), "r"(v) : "memory");    \
        rep_am(insn, before_, v, old_, amslot);                                                   \
    } while (0)
#define AM_D(insn, m, v) do {                                                                     \
        u64 old_;                                                                                 \
        amslot = (m);                                                                             \
        __asm__ volatile(insn " %0, %2, %1" : "=&r"(old_) : "r"(&amslot), "r"(v) : "memory");    \
        rep_am(insn, m, v, old_, amslot);                                                         \
    } while (0)
/* (memory, operand): signed vs unsigned order, small +/-, bit patterns */
#define AM_CASES(AM, insn)                                                                        \
    AM(insn, 0x8000000000000001ULL, 5ULL);                                                        \
    AM(insn, 7ULL, (u64)-3);                                                                      \
    AM(insn, 0x0123456789abcdefULL, 0xfedcba9876543210ULL);
#define AM_BOTH(base) AM_CASES(AM_W, base ".w") AM_CASES(AM_D, base ".d")

static void test_am(void)
{
    section("isa_ldst: am* (rd, rk, rj)");
    /* .w: the low word of 0x8000000000000001 is 1, so use a negative low word too */
    AM_W("amswap.w", 0x80000001ULL, 0x7fffffffULL);
    AM_BOTH("amswap")
    AM_BOTH("amadd")
    AM_BOTH("amand")
    AM_BOTH("amor")
    AM_BOTH("amxor")
    AM_BOTH("ammax")
    AM_BOTH("ammin")
    AM_W("ammax.w", 0x80000001ULL, 5ULL);
    AM_W("ammin.w", 0x80000001ULL, 5ULL);
    AM_CASES(AM_W, "ammax.wu") AM_CASES(AM_D, "ammax.du")
    AM_CASES(AM_W, "ammin.wu") AM_CASES(AM_D, "ammin.du")
    AM_W("ammax.wu", 0x80000001ULL, 5ULL);
    AM_W("ammin.wu", 0x80000001ULL, 5ULL);
    AM_BOTH("amswap_db")
    AM_BOTH("amadd_db")
    AM_BOTH("amand_db")
    AM_BOTH("amor_db")
    AM_BOTH("amxor_db")
    AM_BOTH("ammax_db")
    AM_BOTH("ammin_db")
    AM_CASES(AM_W, "ammax_db.wu") AM_CASES(AM_D, "ammax_db.du")
    AM_CASES(AM_W, "ammin_db.wu") AM_CASES(AM_D, "ammin_db.du")
    AM_W("ammax_db.w", 0x80000001ULL, 5ULL);
    AM_W("ammin_db.wu", 0x80000001ULL, 5ULL);

    /* high registers: rd=$s8, rk=$t8, rj=$t7 */
    {
        register u64 d_ __asm__("$s8");
        register u64 k_ __asm__("$t8") = 0x00000000deadbeefULL;
        register u64 *j_ __asm__("$t7") = &amslot;
        amslot = 0x0123456789abcdefULL;
        __asm__ volatile("amadd_db.d %0, %1, %2" : "=&r"(d_) : "r"(k_), "r"(j_) : "memory");
        rep_am("amadd_db.d", 0x0123456789abcdefULL, 0xdeadbeefULL, d_, amslot);
    }
    /* rd = $zero: memory still updated */
    amslot = 40;
    __asm__ volatile("amadd.d $zero, %0, %1" : : "r"(2ULL), "r"(&amslot) : "memory");
    rep_am("amadd.d (rd=$zero)", 40, 2, 0, amslot);
}

int main(void)
{
    fill(-32768, 16);
    fill(-2048, 16);
    fill(-16, 32);
    fill(2032, 16);
    fill(32752, 16);

    section("isa_ldst: loads (si12 offset)");
    OFF_B(LD, "ld.b") OFF_B(LD, "ld.bu")
    OFF_H(LD, "ld.h") OFF_H(LD, "ld.hu")
    OFF_W(LD, "ld.w") OFF_W(LD, "ld.wu")
    OFF_D(LD, "ld.d")
    section("isa_ldst: indexed loads (rj + rk)");
    IDX_B(LDX, "ldx.b") IDX_B(LDX, "ldx.bu")
    IDX_H(LDX, "ldx.h") IDX_H(LDX, "ldx.hu")
    IDX_W(LDX, "ldx.w") IDX_W(LDX, "ldx.wu")
    IDX_D(LDX, "ldx.d")
    section("isa_ldst: ldptr (si14 << 2)");
    IDX_W(LD, "ldptr.w")
    IDX_D(LD, "ldptr.d")
    {
        /* rd == rj: the base register is overwritten by the loaded value */
        u64 r = (u64)(p + 8);
        __asm__ volatile("ld.d %0, %0, -16" : "+r"(r) : : "memory");
        rep_ld("ld.d (rd=rj)", -8, r);
        register u64 d_ __asm__("$s8");
        register unsigned char *j_ __asm__("$t8") = p;
        register long k_ __asm__("$t7") = -2;
        __asm__ volatile("ldx.h %0, %1, %2" : "=r"(d_) : "r"(j_), "r"(k_) : "memory");
        rep_ld("ldx.h (s8,t8,t7)", -2, d_);
    }

    test_llsc(); /* before any other ll/sc: it checks sc without an earlier ll */

    section("isa_ldst: stores (si12 offset)");
    OFF_B(ST, "st.b")
    OFF_H(ST, "st.h")
    OFF_W(ST, "st.w")
    OFF_D(ST, "st.d")
    section("isa_ldst: indexed stores (rj + rk)");
    IDX_B(STX, "stx.b")
    IDX_H(STX, "stx.h")
    IDX_W(STX, "stx.w")
    IDX_D(STX, "stx.d")
    section("isa_ldst: stptr (si14 << 2)");
    IDX_W(ST, "stptr.w")
    IDX_D(ST, "stptr.d")

    test_am();
    return 0;
}
