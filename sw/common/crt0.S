/* lacosim bare-metal entry (architecture.md section 3).
 *
 * Every core starts here in direct-address mode with an undefined sp (QEMU: 0). Each core takes a 16 KiB
 * stack from the linker script (core n: the top of [__stack_base + n*32K, + 32K), whose lowest 4 KiB are a
 * guard page the testbench watches: common/stack.ld); core 0 alone clears .bss, calls
 * main() and powers off (main's return value is ignored). The other cores branch to secondary_park with
 * $t0 = CoreID and sp set (cores >= MAX_CORES without a stack). secondary_park here is weak and just spins;
 * programs that link smp_park.S get the strong one (idle with LIE.IPI, woken by mailbox + IPI: smp.h).
 */
#define CSR_CPUID 0x20
#include "stack.h"
#include "clear_bss.inc"

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    csrrd       $t0, CSR_CPUID
    andi        $t0, $t0, 0x1ff         /* CPUID.CoreID [8:0] */
    ori         $t1, $zero, MAX_CORES
    bgeu        $t0, $t1, secondary_park

    /* sp = __stack_base + (cpuid + 1) * 32K */
    la.pcrel    $t2, __stack_base
    addi.d      $t1, $t0, 1
    slli.d      $t1, $t1, STACK_SHIFT
    add.d       $sp, $t2, $t1
    move        $fp, $zero
    move        $ra, $zero
    bnez        $t0, secondary_park

    CLEAR_BSS   $t0, $t1                /* core 0 only */
    bl          main
    bl          poweroff
    b           secondary_park          /* not reached */
    .size _start, . - _start

    .weak secondary_park
    .type secondary_park, @function
secondary_park:
    b           secondary_park
    .size secondary_park, . - secondary_park
