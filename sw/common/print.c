#include <stdarg.h>
#include <stdint.h>

#include "print.h"

static const char hexdigits[] = "0123456789abcdef";

int putchar(int c)
{
    uart_putc_inline((char)c);
    return c;
}

void print_str(const char *s)
{
    while (*s)
        uart_putc_inline(*s++);
}

void puts(const char *s)
{
    print_str(s);
    uart_putc_inline('\n');
}

void print_hex(uint64_t v, int digits)
{
    for (int sh = (digits - 1) * 4; sh >= 0; sh -= 4)
        uart_putc_inline(hexdigits[(v >> sh) & 0xf]);
}

void print_hex64(uint64_t v) { print_hex(v, 16); }

/* digits of v in base `base`, least significant first; returns the count */
static int utoa_rev(uint64_t v, unsigned base, int upper, char *buf)
{
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
        v /= base;
    } while (v);
    return n;
}

void print_udec(uint64_t v)
{
    char buf[20];
    int n = utoa_rev(v, 10, 0, buf);
    while (n)
        uart_putc_inline(buf[--n]);
}

void print_dec(int64_t v)
{
    if (v < 0) {
        uart_putc_inline('-');
        print_udec(-(uint64_t)v);
    } else {
        print_udec((uint64_t)v);
    }
}

static int pad(char c, int n)
{
    int k = 0;
    for (; k < n; k++)
        uart_putc_inline(c);
    return k;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int out = 0;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            uart_putc_inline(*fmt);
            out++;
            continue;
        }
        fmt++;
        int zero = 0, left = 0, plus = 0, width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = 1;
            else if (*fmt == '-')
                left = 1;
            else if (*fmt == '+')
                plus = 1;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            if (*fmt != 'h')
                lng = 1;
            fmt++;
        }

        char buf[24];
        int n = 0, neg = 0;
        const char *str = buf;
        uint64_t u;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            neg = s < 0;
            u = neg ? -(uint64_t)s : (uint64_t)s;
            n = utoa_rev(u, 10, 0, buf);
            break;
        }
        case 'u':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            n = utoa_rev(u, 10, 0, buf);
            break;
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            n = utoa_rev(u, 16, *fmt == 'X', buf);
            break;
        case 'p':
            u = (uint64_t)va_arg(ap, void *);
            n = utoa_rev(u, 16, 0, buf);
            out += 2;
            uart_putc_inline('0');
            uart_putc_inline('x');
            break;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n = 1;
            break;
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            while (str[n])
                n++;
            break;
        case '%':
            buf[0] = '%';
            n = 1;
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop */
            continue;
        default: /* unknown conversion: print it verbatim */
            buf[0] = '%';
            buf[1] = *fmt;
            n = 2;
            break;
        }

        int reversed = str == buf && (*fmt == 'd' || *fmt == 'i' || *fmt == 'u' || *fmt == 'x' ||
                                      *fmt == 'X' || *fmt == 'p');
        char sign = neg ? '-' : (plus && (*fmt == 'd' || *fmt == 'i')) ? '+' : 0;
        int len = n + (sign != 0);
        int fill = width > len ? width - len : 0;
        if (!left && !(zero && reversed))
            out += pad(' ', fill);
        if (sign) {
            uart_putc_inline(sign);
            out++;
        }
        if (!left && zero && reversed)
            out += pad('0', fill);
        if (reversed) {
            for (int i = n - 1; i >= 0; i--)
                uart_putc_inline(buf[i]);
        } else {
            for (int i = 0; i < n; i++)
                uart_putc_inline(str[i]);
        }
        out += n;
        if (left)
            out += pad(' ', fill);
    }
    va_end(ap);
    return out;
}
