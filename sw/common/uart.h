/* UART0: NS16550 at 0x1FE0_01E0, 8-bit registers (QEMU virt and the lacosim SoC). */
#ifndef LACOSIM_UART_H
#define LACOSIM_UART_H

#define UART0_BASE    0x1FE001E0UL
#define UART_THR      0    /* write: transmit holding register */
#define UART_LSR      5    /* line status */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

/* Inline: printing dominates the instruction count of the self-tests, which run in an RTL simulation. */
static inline __attribute__((always_inline)) void uart_putc_inline(char c)
{
    volatile unsigned char *const uart = (volatile unsigned char *)UART0_BASE;
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR] = (unsigned char)c;
}

void uart_putc(char c);
void uart_write(const char *s, unsigned long n);

#endif
