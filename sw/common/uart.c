#include "uart.h"

void uart_putc(char c) { uart_putc_inline(c); }

void uart_write(const char *s, unsigned long n)
{
    while (n--)
        uart_putc_inline(*s++);
}
