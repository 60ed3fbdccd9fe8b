/* IOCSR accessors and the per-core IPI block (architecture.md section 3; spec-la64-lvz.md 4.2).
 * IOCSR addresses always reach the *local* core's block; other cores are reached through IPI_SEND and
 * MAIL_SEND. The IPI line of a core (ESTAT.IS[12]) is (IPI_STATUS & IPI_EN) != 0. */
#ifndef LACOSIM_IPI_H
#define LACOSIM_IPI_H

#include <stdint.h>

#include "la.h"

#define IOCSR_IPI_STATUS  0x1000   /* R:  pending vector bits */
#define IOCSR_IPI_EN      0x1004   /* RW: per-vector enable */
#define IOCSR_IPI_SET     0x1008   /* W:  STATUS |= value */
#define IOCSR_IPI_CLEAR   0x100c   /* W:  STATUS &= ~value */
#define IOCSR_MBUF0       0x1020   /* RW 64-bit mailboxes MBUF0..3 */
#define IOCSR_MBUF(n)     (0x1020 + 8 * (n))
#define IOCSR_IPI_SEND    0x1040   /* W32: [31] wait, [25:16] core, [4:0] vector */
#define IOCSR_MAIL_SEND   0x1048   /* W64: [63:32] data, [30:27] byte keep-mask, [25:16] core, [4:2] word */

#define IPI_SEND_WAIT     (1U << 31)

LA_INLINE uint32_t iocsr_read32(uint32_t addr)
{
    uint32_t v;
    __asm__ volatile("iocsrrd.w %0, %1" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

LA_INLINE uint64_t iocsr_read64(uint32_t addr)
{
    uint64_t v;
    __asm__ volatile("iocsrrd.d %0, %1" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

LA_INLINE void iocsr_write32(uint32_t addr, uint32_t v)
{
    __asm__ volatile("iocsrwr.w %0, %1" : : "r"(v), "r"(addr) : "memory");
}

LA_INLINE void iocsr_write64(uint32_t addr, uint64_t v)
{
    __asm__ volatile("iocsrwr.d %0, %1" : : "r"(v), "r"(addr) : "memory");
}

LA_INLINE uint32_t ipi_status(void) { return iocsr_read32(IOCSR_IPI_STATUS); }
LA_INLINE void ipi_clear(uint32_t bits) { iocsr_write32(IOCSR_IPI_CLEAR, bits); }
LA_INLINE void ipi_enable_all(void) { iocsr_write32(IOCSR_IPI_EN, 0xffffffffU); }

/* Sets bit `vector` (0..31) in core `core`'s IPI_STATUS (no wait bit). */
LA_INLINE void ipi_send(unsigned core, unsigned vector)
{
    iocsr_write32(IOCSR_IPI_SEND, ((core & 0x3ffU) << 16) | (vector & 0x1fU));
}

/* Writes the 64-bit `data` into mailbox `box` (0..3) of core `core`: two MAIL_SEND writes of 32 bits,
 * low word first (word selector 2*box, then 2*box+1), byte keep-mask 0 (all bytes written). */
LA_INLINE void mail_send(unsigned core, unsigned box, uint64_t data)
{
    uint64_t base = ((uint64_t)(core & 0x3ffU) << 16);
    iocsr_write64(IOCSR_MAIL_SEND, ((data & 0xffffffffUL) << 32) | base | ((uint64_t)(2 * box) << 2));
    iocsr_write64(IOCSR_MAIL_SEND, (data & 0xffffffff00000000UL) | base | ((uint64_t)(2 * box + 1) << 2));
}

#endif
