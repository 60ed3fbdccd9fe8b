/* mmu_user: PLV3 programs under the kernel's page tables (PGDL, 16 KiB pages, ASID 5, refills by the
 * Linux-style handler). The kernel maps the user code pages (PLV3, read-only), user data pages (PLV3,
 * NX) and a user stack page, each at its own VA; a heap range is demand-paged; one page in the user range
 * is kernel-only (PLV0). Then it ertns to PLV3 (PRMD.PPLV = 3) and serves the user through exceptions:
 *   syscall 0 with a7 = 1 write(a0 = buffer VA, a1 = length): the kernel translates the user VA with a
 *     software walk of the same tables and prints the bytes; 2 puthex(a0); 3 getasid() -> a0; 4 exit(a0).
 *   PIL/PIS in the heap: a page is allocated and mapped, the stale V=0 entry dropped with invtlb 5
 *     (ASID, VA), the access retried (it refills again, now valid).
 *   PPI (the kernel-only page): reported and the access skipped.
 *   any other fault: the program is killed (the kernel returns from enter_user with -1).
 * Run 1 computes primes below 4000 with a sieve in the heap (first heap touch: a refill from PLV3, then
 * PIS), fills four more heap pages, reads the kernel-only page, and exits with the prime count. Run 2
 * loads from an unmapped user VA and is killed. Every line printed comes from the kernel (for the user or
 * about it); none depends on the TLB slots the refills pick.
 * Exceptions: TLB refills (from PLV3), SYS, PIS, PPI, PIL. 1 core, no parameters.
 */
#include "lib/mmu.h"

#define USER_ASID     5
#define USER_HEAP     0x0000001000000000UL   /* demand-paged, 8 pages */
#define USER_HEAP_END (USER_HEAP + 8 * PAGE_SIZE)
#define USER_KPAGE    0x0000002000000000UL   /* mapped PLV0: PPI from PLV3 */
#define USER_UNMAPPED 0x0000003000000000UL
#define USER_STACK    0x0000004000000000UL   /* top; one page below it */
#define SIEVE_N       4000

enum { SYS_WRITE = 1, SYS_PUTHEX = 2, SYS_GETASID = 3, SYS_EXIT = 4 };

extern char __user_text_start[], __user_text_end[], __user_data_start[], __user_data_end[];

/* ---------------- user side (PLV3): only .user.* sections ---------------- */
#define USER     __attribute__((section(".user.text"), noinline))
#define UINLINE  static inline __attribute__((always_inline))
#define URODATA  __attribute__((section(".user.rodata")))

UINLINE long usys(long n, long a0, long a1)
{
    register long r_a0 __asm__("$a0") = a0;
    register long r_a1 __asm__("$a1") = a1;
    register long r_a7 __asm__("$a7") = n;
    __asm__ volatile("syscall 0" : "+r"(r_a0) : "r"(r_a1), "r"(r_a7) : "memory");
    return r_a0;
}

UINLINE void uputs(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    usys(SYS_WRITE, (long)s, n);
}

static const char u_hello[] URODATA = "hello from PLV3";
static const char u_sieve[] URODATA = "sieve of 4000 in the heap done, primes / sum of primes:";
static const char u_pages[] URODATA = "four more heap pages filled, checksum:";
static const char u_kpage[] URODATA = "read of the kernel-only page came back, register unchanged:";
static const char u_asid[] URODATA = "getasid:";
static const char u_bye[] URODATA = "exiting with the prime count";
static const char u_bad[] URODATA = "run 2: loading from an unmapped VA";

USER long user_main(long arg)
{
    uputs(u_hello);
    usys(SYS_PUTHEX, arg, 0);

    volatile unsigned char *flag = (volatile unsigned char *)USER_HEAP;
    for (long i = 0; i < SIEVE_N; i++)
        flag[i] = 1;
    for (long i = 2; i * i < SIEVE_N; i++)
        if (flag[i])
            for (long j = i * i; j < SIEVE_N; j += i)
                flag[j] = 0;
    long count = 0, sum = 0;
    for (long i = 2; i < SIEVE_N; i++)
        if (flag[i]) {
            count++;
            sum += i;
        }
    uputs(u_sieve);
    usys(SYS_PUTHEX, count, 0);
    usys(SYS_PUTHEX, sum, 0);

    unsigned long ck = 0;
    for (long p = 1; p <= 4; p++) {
        volatile unsigned long *w = (volatile unsigned long *)(USER_HEAP + p * PAGE_SIZE);
        for (long k = 0; k < 16; k++)
            w[k * 64] = (unsigned long)(p * 1000 + k);
    }
    for (long p = 4; p >= 1; p--) {
        volatile unsigned long *w = (volatile unsigned long *)(USER_HEAP + p * PAGE_SIZE);
        for (long k = 0; k < 16; k++)
            ck = ck * 31 + w[k * 64];
    }
    uputs(u_pages);
    usys(SYS_PUTHEX, (long)ck, 0);

    register long v __asm__("$t0") = 0x1234;
    __asm__ volatile("ld.d %0, %1, 0" : "+r"(v) : "r"(USER_KPAGE) : "memory");
    uputs(u_kpage);
    usys(SYS_PUTHEX, v, 0);

    uputs(u_asid);
    usys(SYS_PUTHEX, usys(SYS_GETASID, 0, 0), 0);

    uputs(u_bye);
    usys(SYS_EXIT, count, 0);
    for (;;)
        ;
}

USER long user_bad(long arg)
{
    uputs(u_bad);
    long v = *(volatile long *)(USER_UNMAPPED + 0x40);
    usys(SYS_EXIT, v, 0);
    for (;;)
        ;
}

/* ---------------- kernel side ---------------- */
static unsigned heap_faults, ppi_faults, kills;

static void h_sys(struct trap_frame *tf)
{
    uint64_t a0 = tf->regs[4], a1 = tf->regs[5];
    tf->era += 4;
    switch (tf->regs[11]) {    /* a7 */
    case SYS_WRITE: {
        print_str("user: ");
        for (uint64_t i = 0; i < a1; i++) {
            uint64_t pa;
            if (!pt_lookup(a0 + i, &pa)) {
                print_str("<bad buffer>");
                break;
            }
            putchar(*(volatile char *)(uintptr_t)KVA(pa));
        }
        putchar('\n');
        break;
    }
    case SYS_PUTHEX:
        printf("user: 0x%lx\n", a0);
        break;
    case SYS_GETASID:
        tf->regs[4] = get_asid();
        break;
    case SYS_EXIT:
        printf("kernel: user exit(%ld) from PLV%lu\n", (int64_t)a0, tf->prmd & PRMD_PPLV_MASK);
        user_exit(tf, a0);
        break;
    default:
        printf("kernel: unknown syscall %lu\n", tf->regs[11]);
        user_exit(tf, (uint64_t)-2);
    }
}

static void h_fault(struct trap_frame *tf)
{
    unsigned ec = trap_ecode(tf->estat);
    uint64_t va = tf->badv;
    if ((tf->prmd & PRMD_PPLV_MASK) != 3) {
        printf("kernel: fault ecode 0x%02x at PLV0, BADV %lx ERA %lx\n", ec, va, tf->era);
        trap_unexpected(tf);
    }
    if ((ec == ECODE_PIL || ec == ECODE_PIS) && va >= USER_HEAP && va < USER_HEAP_END) {
        uint64_t page = va & ~(PAGE_SIZE - 1), pa = pa_alloc();
        for (unsigned i = 0; i < PAGE_SIZE / 8; i++)        /* a new page must not leak old data */
            ((volatile uint64_t *)(uintptr_t)KVA(pa))[i] = 0;
        map_page(page, pa, PROT_UDATA);
        invtlb(5, get_asid(), page);
        heap_faults++;
        printf("kernel: %s at heap+0x%05lx from PLV3: mapped heap page %lu\n", ec == ECODE_PIL ? "PIL" : "PIS",
               va - USER_HEAP, (page - USER_HEAP) / PAGE_SIZE);
        return;     /* retry the access */
    }
    if (ec == ECODE_PPI) {
        ppi_faults++;
        printf("kernel: PPI at kernel-only page+0x%lx from PLV3: access skipped\n", va - USER_KPAGE);
        tf->era += 4;
        return;
    }
    kills++;
    printf("kernel: ecode 0x%02x at unmapped+0x%lx from PLV3: killed\n", ec, va - USER_UNMAPPED);
    user_exit(tf, (uint64_t)-1);
}

static void map_range(char *start, char *end, uint64_t prot)
{
    for (uint64_t va = A(start); va < A(end); va += PAGE_SIZE)
        map_page(va, va, prot);     /* user image pages at their link address (= PA) */
}

int main(void)
{
    puts("mmu_user: PLV3 programs, syscalls, demand paging, PPI, kill; page tables + refill handler, 1 core");
    mmu_init();
    trap_set_exc_handler(ECODE_SYS, h_sys);
    for (unsigned e = ECODE_PIL; e <= ECODE_ADE; e++)
        trap_set_exc_handler(e, h_fault);

    map_range(__user_text_start, __user_text_end, PROT_UCODE);
    map_range(__user_data_start, __user_data_end, PROT_UDATA);
    map_page(USER_STACK - PAGE_SIZE, pa_alloc(), PROT_UDATA);
    uint64_t kpage = pa_alloc();
    st64(KVA(kpage), 0x5ec2e7);
    map_page(USER_KPAGE, kpage, PROT_KDATA);
    printf("user image: %lu code page(s), %lu data page(s); stack, kernel-only page mapped; heap on demand\n",
           (A(__user_text_end) - A(__user_text_start)) / PAGE_SIZE,
           (A(__user_data_end) - A(__user_data_start)) / PAGE_SIZE);

    set_asid(USER_ASID);
    refills_reset();
    int64_t r = (int64_t)enter_user(A(user_main), USER_STACK, 0x1234abcd);
    uint64_t run1_refills = refills();
    set_asid(ASID_KERNEL);
    printf("kernel: run 1 returned %ld; heap faults %u, PPI %u; refills taken: %s\n", r, heap_faults, ppi_faults,
           run1_refills ? "yes" : "none");
    check(r == 550 && heap_faults == 5 && ppi_faults == 1 && run1_refills > 0, "run 1");

    set_asid(USER_ASID);
    r = (int64_t)enter_user(A(user_bad), USER_STACK, 0);
    set_asid(ASID_KERNEL);
    printf("kernel: run 2 returned %ld, kills %u, back at PLV%lu\n", r, kills, csrrd(CSR_CRMD) & CRMD_PLV_MASK);
    check(r == -1 && kills == 1, "run 2 killed");

    return finish("mmu_user");
}
