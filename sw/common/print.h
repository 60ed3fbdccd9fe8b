/* Text output over UART0. No floating point. */
#ifndef LACOSIM_PRINT_H
#define LACOSIM_PRINT_H

#include <stdint.h>
#include "uart.h"

int putchar(int c);                 /* uart_putc; '\n' is sent as is */
void print_str(const char *s);      /* no newline appended */
void puts(const char *s);           /* appends '\n' */
void print_hex64(uint64_t v);       /* 16 lowercase digits, no prefix */
void print_hex(uint64_t v, int digits);
void print_dec(int64_t v);
void print_udec(uint64_t v);

/* %d %i %u %x %X %c %s %p %%, length modifiers l/ll/z (all integers are widened to 64 bits), flags '0',
 * '-' and '+', a field width (also '*'). Returns the number of characters written. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
