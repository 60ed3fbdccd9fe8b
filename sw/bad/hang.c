/* bad_hang: prints a line, then loops forever without powering off, calling two named functions so the
 * watchdog's report of the last PCs shows symbols (hang_spin_a, hang_spin_b, main). */
#include <stdint.h>

#include "print.h"

volatile uint64_t hang_counter;

__attribute__((noinline)) void hang_spin_a(void) { hang_counter += 1; }

__attribute__((noinline)) void hang_spin_b(void) { hang_counter ^= 0x5a; }

int main(void)
{
    puts("bad_hang: looping forever in hang_spin_a/hang_spin_b (no power-off)");
    for (;;) {
        hang_spin_a();
        hang_spin_b();
    }
}
