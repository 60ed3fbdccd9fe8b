/* LoongArch CSR access (names and numbers as in the LoongArch manual, Vol. 1 chapter 7).
 * The CSR numbers are usable from assembly too (the C part is skipped under __ASSEMBLER__). */
#ifndef LACOSIM_LA_H
#define LACOSIM_LA_H

#define CSR_CRMD      0x0
#define CSR_PRMD      0x1
#define CSR_EUEN      0x2
#define CSR_MISC      0x3
#define CSR_ECFG      0x4
#define CSR_ESTAT     0x5
#define CSR_ERA       0x6
#define CSR_BADV      0x7
#define CSR_BADI      0x8
#define CSR_EENTRY    0xc
#define CSR_TLBIDX    0x10
#define CSR_TLBEHI    0x11
#define CSR_TLBELO0   0x12
#define CSR_TLBELO1   0x13
#define CSR_ASID      0x18
#define CSR_PGDL      0x19
#define CSR_PGDH      0x1a
#define CSR_PGD       0x1b
#define CSR_PWCL      0x1c
#define CSR_PWCH      0x1d
#define CSR_STLBPS    0x1e
#define CSR_RVACFG    0x1f
#define CSR_CPUID     0x20
#define CSR_PRCFG1    0x21
#define CSR_PRCFG2    0x22
#define CSR_PRCFG3    0x23
#define CSR_SAVE0     0x30
#define CSR_SAVE1     0x31
#define CSR_SAVE2     0x32
#define CSR_SAVE3     0x33
#define CSR_SAVE4     0x34
#define CSR_SAVE5     0x35
#define CSR_SAVE6     0x36
#define CSR_SAVE7     0x37
#define CSR_TID       0x40
#define CSR_TCFG      0x41
#define CSR_TVAL      0x42
#define CSR_CNTC      0x43
#define CSR_TICLR     0x44
#define CSR_LLBCTL    0x60
#define CSR_TLBRENTRY 0x88
#define CSR_TLBRBADV  0x89
#define CSR_TLBRERA   0x8a
#define CSR_TLBRSAVE  0x8b
#define CSR_TLBRELO0  0x8c
#define CSR_TLBRELO1  0x8d
#define CSR_TLBREHI   0x8e
#define CSR_TLBRPRMD  0x8f
#define CSR_MERRCTL   0x90
#define CSR_DMW0      0x180
#define CSR_DMW1      0x181
#define CSR_DMW2      0x182
#define CSR_DMW3      0x183

/* CRMD fields */
#define CRMD_DA           (1UL << 3)
#define CRMD_PG           (1UL << 4)
#define CRMD_DATF_SHIFT   5
#define CRMD_DATM_SHIFT   7
#define CRMD_WE           (1UL << 9)

/* DMW0-3: PLV0..PLV3 enables [3:0], MAT [5:4], VSEG [63:60] */
#define DMW_PLV0          (1UL << 0)
#define DMW_PLV3          (1UL << 3)
#define DMW_MAT_SHIFT     4
#define DMW_VSEG_SHIFT    60

/* TLBIDX: Index [11:0] (writable bits), PS [29:24], NE [31] */
#define TLBIDX_INDEX_MASK 0xfffUL
#define TLBIDX_PS_SHIFT   24
#define TLBIDX_PS_MASK    (0x3fUL << TLBIDX_PS_SHIFT)
#define TLBIDX_NE         (1UL << 31)

/* TLBEHI / TLBREHI: VPPN [47:13]; TLBREHI.PS [5:0] */
#define TLBEHI_VPPN_MASK  0x0000ffffffffe000UL
#define TLBREHI_PS_MASK   0x3fUL

/* TLBELO0/1, TLBRELO0/1 (and the page-table entries the walker loads) */
#define TLBELO_V          (1UL << 0)
#define TLBELO_D          (1UL << 1)
#define TLBELO_PLV_SHIFT  2
#define TLBELO_PLV_MASK   (3UL << TLBELO_PLV_SHIFT)
#define TLBELO_MAT_SHIFT  4
#define TLBELO_MAT_MASK   (3UL << TLBELO_MAT_SHIFT)
#define TLBELO_G          (1UL << 6)
#define TLBELO_PPN_MASK   0x0000fffffffff000UL  /* PA[47:12] in place */
#define TLBELO_NR         (1UL << 61)
#define TLBELO_NX         (1UL << 62)
#define TLBELO_RPLV       (1UL << 63)

/* ASID: ASID [9:0], ASIDBITS [23:16] (RO) */
#define ASID_ASID_MASK    0x3ffUL

/* PWCL: PTbase [4:0], PTwidth [9:5], Dir1_base [14:10], Dir1_width [19:15], Dir2_base [24:20],
 * Dir2_width [29:25], PTEWidth [31:30]. PWCH: Dir3_base [5:0], Dir3_width [11:6], Dir4_base [17:12],
 * Dir4_width [23:18]. */
#define PWCL_VALUE(ptb, ptw, d1b, d1w, d2b, d2w) \
    ((ptb) | ((ptw) << 5) | ((d1b) << 10) | ((d1w) << 15) | ((d2b) << 20) | ((d2w) << 25))
#define PWCH_VALUE(d3b, d3w, d4b, d4w) ((d3b) | ((d3w) << 6) | ((d4b) << 12) | ((d4w) << 18))

/* TLBRERA: IsTLBR [0], PC [63:2] */
#define TLBRERA_ISTLBR    1UL

/* ESTAT.Ecode [21:16], EsubCode [30:22] */
#define ESTAT_ECODE(estat)    (((estat) >> 16) & 0x3f)
#define ESTAT_ESUBCODE(estat) (((estat) >> 22) & 0x1ff)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The CSR number is an immediate of the instruction: these must be inlined with a constant `csr`
 * (always_inline + -O1 or higher; every sw/ program is built -O2). */
#define LA_INLINE static inline __attribute__((always_inline))

LA_INLINE uint64_t csrrd(const unsigned csr)
{
    uint64_t v;
    __asm__ volatile("csrrd %0, %1" : "=r"(v) : "i"(csr));
    return v;
}

/* Writes `val`, returns the CSR's old value. */
LA_INLINE uint64_t csrwr(const unsigned csr, uint64_t val)
{
    __asm__ volatile("csrwr %0, %1" : "+r"(val) : "i"(csr) : "memory");
    return val;
}

/* CSR = (CSR & ~mask) | (val & mask); returns the CSR's old value. */
LA_INLINE uint64_t csrxchg(const unsigned csr, uint64_t val, uint64_t mask)
{
    __asm__ volatile("csrxchg %0, %1, %2" : "+r"(val) : "r"(mask), "i"(csr) : "memory");
    return val;
}

LA_INLINE unsigned cpuid(void) { return (unsigned)(csrrd(CSR_CPUID) & 0x1ff); }

LA_INLINE uint64_t iocsrrd_d(uint32_t addr)
{
    uint64_t v;
    __asm__ volatile("iocsrrd.d %0, %1" : "=r"(v) : "r"(addr));
    return v;
}

LA_INLINE void iocsrwr_d(uint32_t addr, uint64_t v)
{
    __asm__ volatile("iocsrwr.d %0, %1" : : "r"(v), "r"(addr) : "memory");
}

LA_INLINE uint32_t iocsrrd_w(uint32_t addr)
{
    uint32_t v;
    __asm__ volatile("iocsrrd.w %0, %1" : "=r"(v) : "r"(addr));
    return v;
}

LA_INLINE void iocsrwr_w(uint32_t addr, uint32_t v)
{
    __asm__ volatile("iocsrwr.w %0, %1" : : "r"(v), "r"(addr) : "memory");
}

LA_INLINE void dbar(void) { __asm__ volatile("dbar 0" ::: "memory"); }

#endif /* !__ASSEMBLER__ */

#endif
