// lacosim ISA and SoC constants, shared by the core (rtl/core), the SoC (rtl/soc) and the testbench top.
// Encodings: ../shared/docs/spec-la64-lvz.md section 6 and la64-base-encodings.tsv. Interfaces:
// docs/design.md sections 1 (memory ports) and 2 (retirement trace).
package la_pkg;

  // -----------------------------------------------------------------------------------------------
  // SoC memory map (architecture.md section 3, QEMU virt compatible)
  localparam logic [63:0] RAM_BASE           = 64'h0000_0000;
  localparam logic [63:0] UART0_BASE         = 64'h1FE0_01E0;
  localparam logic [63:0] GED_SLEEP_CTL      = 64'h100E_001C;
  localparam logic [7:0]  GED_POWEROFF_VALUE = 8'h34;  // SLP_EN | SLP_TYP=5, as QEMU's GED

  // LL/SC reservation granule (design.md section 1): any store to the line by another core kills it.
  localparam int unsigned LL_LINE_BYTES = 64;

  // NS16550 register offsets (8-bit registers, stride 1) and the constant status values of our model
  localparam logic [2:0] UART_THR = 3'd0, UART_IER = 3'd1, UART_IIR = 3'd2, UART_LCR = 3'd3,
                         UART_MCR = 3'd4, UART_LSR = 3'd5, UART_SCR = 3'd7;
  localparam logic [7:0] UART_LSR_IDLE = 8'h60;  // THRE | TEMT: the model transmits at once
  localparam logic [7:0] UART_IIR_NONE = 8'h01;
  localparam logic [7:0] UART_IIR_THRE = 8'h02;  // transmitter-holding-register-empty interrupt
  localparam logic [7:0] UART_IER_ETBEI = 8'h02;  // enable the THRE interrupt

  // IOCSR space (spec-la64-lvz.md section 4)
  localparam logic [31:0] IOCSR_VERSION    = 32'h0000_0000;
  localparam logic [31:0] IOCSR_FEATURES   = 32'h0000_0008;
  localparam logic [31:0] IOCSR_VENDOR     = 32'h0000_0010;
  localparam logic [31:0] IOCSR_CPUNAME    = 32'h0000_0020;
  localparam logic [31:0] IOCSR_IPI_STATUS = 32'h0000_1000;
  localparam logic [31:0] IOCSR_IPI_EN     = 32'h0000_1004;
  localparam logic [31:0] IOCSR_IPI_SET    = 32'h0000_1008;
  localparam logic [31:0] IOCSR_IPI_CLEAR  = 32'h0000_100C;
  localparam logic [31:0] IOCSR_IPI_SEND   = 32'h0000_1040;
  localparam logic [31:0] IOCSR_MAIL_SEND  = 32'h0000_1048;
  localparam logic [63:0] IOCSR_VERSION_VALUE  = 64'h11;          // what QEMU virt returns
  localparam logic [63:0] IOCSR_FEATURES_VALUE = 64'h1C;          // MSI | EXTIOI | CSRIPI (QEMU virt)
  localparam logic [63:0] IOCSR_VENDOR_VALUE   = 64'h6E6F_7367_6E6F_6F4C;  // "Loongson"
  localparam logic [63:0] IOCSR_CPUNAME_VALUE  = 64'h0000_3030_3035_4133;  // "3A5000"
  // EXTIOI subset (la_extioi): register bases as Linux uses them; Sources device lines
  localparam int unsigned EXTIOI_SOURCES       = 32;
  localparam int unsigned EXTIOI_UART_SOURCE   = 2;   // UART0's line, as QEMU virt wires it (PCH-PIC 2)
  // Interrupt lines reach the cores through a two-flop synchroniser: an IOCSR write retiring in cycle c
  // changes the target's ESTAT.IS from cycle c+1, after its own trace record (design.md 7.3).
  localparam int unsigned IRQ_SYNC_STAGES      = 2;
  localparam logic [31:0] IOCSR_EXTIOI_IPMAP   = 32'h0000_14C0;
  localparam logic [31:0] IOCSR_EXTIOI_EN      = 32'h0000_1600;
  localparam logic [31:0] IOCSR_EXTIOI_ISR     = 32'h0000_1800;
  localparam logic [31:0] IOCSR_EXTIOI_ROUTE   = 32'h0000_1C00;
  localparam logic [31:0] IOCSR_EXTIOI_BASE    = IOCSR_EXTIOI_IPMAP;
  localparam logic [31:0] IOCSR_EXTIOI_END     = IOCSR_EXTIOI_ROUTE + EXTIOI_SOURCES;

  // -----------------------------------------------------------------------------------------------
  // Core <-> memory interface (design.md section 1)
  typedef enum logic [2:0] {
    MEM_LOAD, MEM_STORE, MEM_LL, MEM_SC, MEM_AMO
  } mem_op_e;

  typedef enum logic [3:0] {
    AMO_SWAP, AMO_ADD, AMO_AND, AMO_OR, AMO_XOR, AMO_MAX, AMO_MIN, AMO_MAXU, AMO_MINU
  } amo_op_e;

  // Access sizes, log2 bytes
  localparam logic [1:0] SIZE_B = 2'd0, SIZE_H = 2'd1, SIZE_W = 2'd2, SIZE_D = 2'd3;

  // -----------------------------------------------------------------------------------------------
  // Access-size helpers and the AMO rule, shared by the core, la_ram and la_iocsr
  function automatic logic [63:0] size_mask(input logic [1:0] size);
    unique case (size)
      SIZE_B:  return 64'hff;
      SIZE_H:  return 64'hffff;
      SIZE_W:  return 64'hffff_ffff;
      default: return '1;
    endcase
  endfunction

  function automatic logic [63:0] sext_size(input logic [63:0] v, input logic [1:0] size);
    unique case (size)
      SIZE_B:  return {{56{v[7]}}, v[7:0]};
      SIZE_H:  return {{48{v[15]}}, v[15:0]};
      SIZE_W:  return {{32{v[31]}}, v[31:0]};
      default: return v;
    endcase
  endfunction

  // The value an AMO writes from the old value and the operand (right-aligned; comparisons at the
  // access width). la_ram applies it to memory and la_mem_stage reports it in the trace.
  function automatic logic [63:0] amo_result(input amo_op_e op, input logic [1:0] size,
                                             input logic [63:0] old_v, input logic [63:0] opnd);
    logic signed [63:0] a_s, b_s;
    logic [63:0]        a_u, b_u;
    a_s = $signed(sext_size(old_v, size));
    b_s = $signed(sext_size(opnd, size));
    a_u = old_v & size_mask(size);
    b_u = opnd & size_mask(size);
    unique case (op)
      AMO_SWAP: return opnd;
      AMO_ADD:  return old_v + opnd;
      AMO_AND:  return old_v & opnd;
      AMO_OR:   return old_v | opnd;
      AMO_XOR:  return old_v ^ opnd;
      AMO_MAX:  return (a_s > b_s) ? old_v : opnd;
      AMO_MIN:  return (a_s < b_s) ? old_v : opnd;
      AMO_MAXU: return (a_u > b_u) ? old_v : opnd;
      AMO_MINU: return (a_u < b_u) ? old_v : opnd;
      default:  return opnd;
    endcase
  endfunction


  // Retirement trace record (design.md sections 2 and 7.2). Later issues append fields at the end only.
  // `plv`, `ie` and `irq_is` are driven every cycle, also when `valid` is 0 (the testbench derives the
  // IRQ events of design.md 7.2 from `irq_is`).
  typedef struct packed {
    logic        valid;
    logic [63:0] pc;
    logic [31:0] insn;
    logic        rd_we;
    logic [4:0]  rd;
    logic [63:0] rd_wdata;
    logic        mem_re;
    logic        mem_we;
    logic [1:0]  mem_size;
    logic [63:0] mem_addr;
    logic [63:0] mem_wdata;
    logic        illegal;        // always 0 since INE exists (kept for the record layout)
    // v2 (design.md 7.2)
    logic        csr_we;         // csrwr/csrxchg committed
    logic [13:0] csr_num;
    logic [63:0] csr_wdata;      // the value presented to the CSR (csrwr: rd; csrxchg: merged)
    logic        rd2_we;         // second GPR write: rdtime* rj <- TID
    logic [4:0]  rd2;
    logic [63:0] rd2_wdata;
    logic        iocsr;          // the memory fields describe an IOCSR access
    logic        trap_valid;     // exception (the faulting instruction) or interrupt (ERA) record
    logic        trap_int;
    logic [5:0]  trap_ecode;
    logic [8:0]  trap_esubcode;
    logic [3:0]  trap_intno;
    logic        ertn;
    logic [1:0]  plv;            // CRMD.PLV before the instruction
    logic        ie;             // CRMD.IE before the instruction
    logic [12:0] irq_is;         // ESTAT.IS this cycle
    // v3 (design.md 9.5); the 64-bit fields last so that they are word aligned (simulation speed)
    logic        tlb_we;         // a committed tlbwr/tlbfill wrote entry tlb_idx
    logic [15:0] tlb_idx;
    logic [63:0] mem_pa;         // physical address of the data/IOCSR access (IOCSR: = mem_addr) or 0
    logic [63:0] pc_pa;          // physical address of the instruction word (0: interrupt, fetch fault)
    // v4 (design.md 12.7)
    logic        guest;          // GSTAT.VM before the instruction
    logic        gcsr;           // the CSR fields describe a guest-bank access
    logic        exit_root;      // a trap taken to the root from guest mode
    logic [12:0] irq_is_g;       // the guest bank's ESTAT.IS this cycle
  } retire_t;

  // -----------------------------------------------------------------------------------------------
  // CSRs (spec-la64-lvz.md section 1). la_csr says what each one implements; unknown numbers read 0.
  localparam logic [13:0] CSR_CRMD      = 14'h000;
  localparam logic [13:0] CSR_PRMD      = 14'h001;
  localparam logic [13:0] CSR_EUEN      = 14'h002;
  localparam logic [13:0] CSR_MISC      = 14'h003;
  localparam logic [13:0] CSR_ECFG      = 14'h004;
  localparam logic [13:0] CSR_ESTAT     = 14'h005;
  localparam logic [13:0] CSR_ERA       = 14'h006;
  localparam logic [13:0] CSR_BADV      = 14'h007;
  localparam logic [13:0] CSR_BADI      = 14'h008;
  localparam logic [13:0] CSR_EENTRY    = 14'h00C;
  localparam logic [13:0] CSR_TLBIDX    = 14'h010;
  localparam logic [13:0] CSR_TLBEHI    = 14'h011;
  localparam logic [13:0] CSR_TLBELO0   = 14'h012;
  localparam logic [13:0] CSR_TLBELO1   = 14'h013;
  localparam logic [13:0] CSR_ASID      = 14'h018;
  localparam logic [13:0] CSR_PGDL      = 14'h019;
  localparam logic [13:0] CSR_PGDH      = 14'h01A;
  localparam logic [13:0] CSR_PGD       = 14'h01B;
  localparam logic [13:0] CSR_PWCL      = 14'h01C;
  localparam logic [13:0] CSR_PWCH      = 14'h01D;
  localparam logic [13:0] CSR_STLBPS    = 14'h01E;
  localparam logic [13:0] CSR_RVACFG    = 14'h01F;
  localparam logic [13:0] CSR_CPUID     = 14'h020;
  localparam logic [13:0] CSR_PRCFG1    = 14'h021;
  localparam logic [13:0] CSR_PRCFG2    = 14'h022;
  localparam logic [13:0] CSR_PRCFG3    = 14'h023;
  localparam logic [13:0] CSR_SAVE0     = 14'h030;  // SAVE0..SAVE15 = 0x30..0x3F
  localparam logic [13:0] CSR_TID       = 14'h040;
  localparam logic [13:0] CSR_TCFG      = 14'h041;
  localparam logic [13:0] CSR_TVAL      = 14'h042;
  localparam logic [13:0] CSR_CNTC      = 14'h043;
  localparam logic [13:0] CSR_TICLR     = 14'h044;
  localparam logic [13:0] CSR_LLBCTL    = 14'h060;
  localparam logic [13:0] CSR_TLBRENTRY = 14'h088;
  localparam logic [13:0] CSR_TLBRBADV  = 14'h089;
  localparam logic [13:0] CSR_TLBRERA   = 14'h08A;
  localparam logic [13:0] CSR_TLBRSAVE  = 14'h08B;
  localparam logic [13:0] CSR_TLBRELO0  = 14'h08C;
  localparam logic [13:0] CSR_TLBRELO1  = 14'h08D;
  localparam logic [13:0] CSR_TLBREHI   = 14'h08E;
  localparam logic [13:0] CSR_TLBRPRMD  = 14'h08F;
  localparam logic [13:0] CSR_DMW0      = 14'h180;  // DMW0..DMW3 = 0x180..0x183
  localparam int unsigned NUM_SAVE  = 16;
  // LVZ root-only CSRs (design.md 12.1): they exist in the root bank only
  localparam logic [13:0] CSR_GTLBC     = 14'h015;
  localparam logic [13:0] CSR_TRGP      = 14'h016;
  localparam logic [13:0] CSR_GSTAT     = 14'h050;
  localparam logic [13:0] CSR_GCFG      = 14'h051;
  localparam logic [13:0] CSR_GINTC     = 14'h052;
  localparam logic [13:0] CSR_GCNTC     = 14'h053;
  localparam logic [63:0] GSTAT_RESET   = 64'h80;          // GIDBITS = 8 (TLB GID[7:0])
  localparam logic [63:0] GCFG_RO       = 64'h0007_5543;   // MATP, SITP..TORUP, GCIP
  localparam int unsigned GTLBC_RESET_NUM = 0;             // no guest partition until the root sets one
  localparam int unsigned GCFG_SIT = 7, GCFG_TIT = 9, GCFG_TOE = 11, GCFG_TOP = 13;
  localparam int unsigned GTLBC_USETGID = 12, GTLBC_TOTI = 13;

  // The guest bank holds copies of these CSRs only (design.md 12.1, spec-la64-lvz.md 5.2): a guest
  // csr* of anything else is GSPR, a root gcsr* of anything else reads 0 and writes nothing.
  function automatic logic csr_in_guest_bank(input logic [13:0] n);
    return n inside {[14'h000:14'h008], 14'h00C, [14'h010:14'h013], [14'h018:14'h023],
                     [14'h030:14'h037], [14'h040:14'h044], 14'h060, [14'h088:14'h08F],
                     [14'h180:14'h183]};
  endfunction

  // -----------------------------------------------------------------------------------------------
  // TLB (design.md section 9). One fully associative MTLB; a power of two so that an index is
  // TLBIDX.Index mod TLB_ENTRIES and the fill rule's `s mod TLB_ENTRIES` are plain bit slices.
  localparam int unsigned TLB_ENTRIES = 32;
  localparam int unsigned TLB_IDX_W   = $clog2(TLB_ENTRIES);
  localparam logic [63:0] PA_MASK     = 64'((64'd1 << 48) - 1);  // lddir/ldpte: PALEN bits

  // One half (even/odd page) of an entry: the TLBELO fields (spec-la64-lvz.md section 1)
  typedef struct packed {
    logic        rplv;
    logic        nx;
    logic        nr;
    logic [47:12] ppn;           // PA[47:12]
    logic        g;              // tlbrd returns the entry's G in both halves; ignored on a write
    logic [1:0]  mat;            // stored only: no caches
    logic [1:0]  plv;
    logic        d;
    logic        v;
  } tlb_half_t;

  typedef struct packed {
    logic        e;
    logic [47:13] vppn;
    logic [5:0]  ps;
    logic        g;
    logic [9:0]  asid;
    logic [7:0]  gid;            // LVZ: 0 (root) until guest TLB entries exist
    logic        gbank;          // LVZ: guest-bank bit, 0 (root bank) for now
    tlb_half_t   lo1;
    tlb_half_t   lo0;
  } tlb_entry_t;

  // TLBELO <-> tlb_half_t (layout of TLBELO0/1 and TLBRELO0/1)
  function automatic tlb_half_t elo_to_half(input logic [63:0] elo);
    tlb_half_t h;
    h.rplv = elo[63];
    h.nx   = elo[62];
    h.nr   = elo[61];
    h.ppn  = elo[47:12];
    h.g    = elo[6];
    h.mat  = elo[5:4];
    h.plv  = elo[3:2];
    h.d    = elo[1];
    h.v    = elo[0];
    return h;
  endfunction

  function automatic logic [63:0] half_to_elo(input tlb_half_t h);
    return {h.rplv, h.nx, h.nr, 13'd0, h.ppn, 5'd0, h.g, h.mat, h.plv, h.d, h.v};
  endfunction

  // What a lookup is for (design.md 9.2: am* and sc are stores, ll is a load)
  typedef enum logic [1:0] { ACC_FETCH, ACC_LOAD, ACC_STORE } tlb_access_e;

  // Maintenance operation of the instruction committing in WB
  typedef enum logic [3:0] {
    TLBOP_NONE, TLBOP_SRCH, TLBOP_RD, TLBOP_WR, TLBOP_FILL, TLBOP_CLR, TLBOP_FLUSH, TLBOP_INV,
    TLBOP_GFLUSH
  } tlb_op_e;

  // Canonical 48-bit VA (VALEN = 48): VA[63:47] all equal
  function automatic logic va_canonical(input logic [63:47] va_hi);
    return va_hi == '0 || va_hi == '1;
  endfunction

  // Reset values the manual fixes (spec-la64-lvz.md section 1; architecture.md 4.9)
  localparam logic [9:0]  CRMD_RESET = 10'h008;         // PLV0, IE=0, DA=1, PG=0
  localparam logic [63:0] ASID_RESET = 64'h000A_0000;   // ASIDBITS = 10 (read-only)

  // Configuration CSRs. PRCFG1: SAVENum 8 as QEMU reports it (SAVE0-15 all exist, as in QEMU; the
  // 4-bit field cannot say 16), TimerBits = 47 (48-bit timer, architecture.md section 3), VSMax = 7.
  localparam int unsigned TIMER_BITS = 48;
  localparam logic [63:0] PRCFG1_VAL = {48'd0, 4'd7, 8'(TIMER_BITS - 1), 4'd8};
  localparam logic [63:0] PRCFG2_VAL = 64'h3FFF_F000;   // 4 KiB .. 512 MiB pages
  // PRCFG3: TLBType 1 (MTLB only), MTLB entries - 1; no STLB (design.md 9.1)
  localparam logic [63:0] PRCFG3_VAL = 64'd1 | (64'(TLB_ENTRIES - 1) << 4);

  // CRMD fields
  localparam int unsigned CRMD_IE = 2, CRMD_DA = 3, CRMD_PG = 4, CRMD_WE = 9;
  // ESTAT.IS bits (= ECFG.LIE bits = interrupt numbers, spec-la64-lvz.md section 2.2)
  localparam int unsigned IRQ_TI = 11, IRQ_IPI = 12;

  // CPUCFG words (spec-la64-lvz.md section 1, "CPUCFG words a small core should return")
  localparam logic [63:0] CPUCFG0_PRID = 64'h0014_C010;  // la464, as QEMU
  // ARCH=LA64, PAGING, IOCSR, PALEN-1=47, VALEN-1=47, UAL=0, RI, EP, RPLV, HP, CRC32 (as QEMU's la464)
  localparam logic [63:0] CPUCFG1_VAL  = 64'(2 | (1 << 2) | (1 << 3) | (47 << 4) | (47 << 12) |
                                             (1 << 21) | (1 << 22) | (1 << 23) | (1 << 24) | (1 << 25));
  // LVZ (bit 10) with LVZVER 1 (design.md 12.1), LLFTP (constant timer), LLFTP_VER=1; no FP
  localparam logic [63:0] CPUCFG2_VAL  = 64'((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15));
  // The stable counter ticks once per core clock (architecture.md section 3): 100 MHz x 1 / 1
  localparam logic [63:0] CPUCFG4_VAL  = 64'd100_000_000;
  localparam logic [63:0] CPUCFG5_VAL  = 64'h0001_0001;

  // Direct-map window (spec-la64-lvz.md section 1, DMW0-3): hit when VA[63:60] == VSEG and the bit of
  // the current PLV is set; the physical address is then VA[PALEN-1:0] (la_core: every port address).
  localparam int unsigned PALEN = 48;
  function automatic logic dmw_hit(input logic [63:0] dmw, input logic [3:0] va_seg,
                                   input logic [1:0] plv);
    logic [3:0] plv_ok;
    plv_ok = dmw[3:0];
    return dmw[63:60] == va_seg && plv_ok[plv];
  endfunction

  // -----------------------------------------------------------------------------------------------
  // Exception causes (spec-la64-lvz.md section 2.1) as {EsubCode[0], Ecode}. An exception travels down
  // the pipeline with its instruction and is taken in WB. EXC_INT marks the instruction EX chose to
  // take a pending interrupt in its place (la_ex_stage).
  typedef enum logic [6:0] {
    EXC_INT  = 7'h00,
    EXC_PIL  = 7'h01,
    EXC_PIS  = 7'h02,
    EXC_PIF  = 7'h03,
    EXC_PME  = 7'h04,
    EXC_PNR  = 7'h05,
    EXC_PNX  = 7'h06,
    EXC_PPI  = 7'h07,
    EXC_ADEF = 7'h08,
    EXC_ADEM = 7'h48,
    EXC_ALE  = 7'h09,
    EXC_BCE  = 7'h0A,
    EXC_SYS  = 7'h0B,
    EXC_BRK  = 7'h0C,
    EXC_INE  = 7'h0D,
    EXC_IPE  = 7'h0E,
    EXC_GSPR = 7'h16,  // LVZ exits (design.md 12.2)
    EXC_HVC  = 7'h17,
    EXC_GCSC = 7'h18,
    EXC_GCHC = 7'h58,
    EXC_TLBR = 7'h3F   // TLB refill: own entry (TLBRENTRY), trace ecode 0x3F (design.md 9.3)
  } exc_cause_e;


  // -----------------------------------------------------------------------------------------------
  // Decoder output (control of one instruction)
  typedef enum logic [5:0] {
    ALU_ADD, ALU_SUB, ALU_SLT, ALU_SLTU, ALU_AND, ALU_OR, ALU_XOR, ALU_NOR, ALU_ANDN, ALU_ORN,
    ALU_MASKEQZ, ALU_MASKNEZ, ALU_SLL, ALU_SRL, ALU_SRA, ALU_ROTR, ALU_ALSL, ALU_PCALAU12I,
    ALU_LU32I, ALU_LU52I, ALU_EXTB, ALU_EXTH, ALU_CLO, ALU_CLZ, ALU_CTO, ALU_CTZ,
    ALU_REVB2H, ALU_REVB4H, ALU_REVB2W, ALU_REVBD, ALU_REVH2W, ALU_REVHD,
    ALU_BITREV4B, ALU_BITREV8B, ALU_BITREVW, ALU_BITREVD, ALU_BYTEPICKW, ALU_BYTEPICKD,
    ALU_BSTRINS, ALU_BSTRPICK, ALU_CRC, ALU_CRCC
  } alu_op_e;

  typedef enum logic [1:0] { OPA_RJ, OPA_PC, OPA_ZERO } opa_sel_e;

  typedef enum logic [3:0] {
    BR_NONE, BR_EQZ, BR_NEZ, BR_EQ, BR_NE, BR_LT, BR_GE, BR_LTU, BR_GEU,
    BR_B,        // b / bl: always taken, pc-relative
    BR_JIRL,     // rj-relative
    BR_REFETCH   // ibar: re-fetch from pc+4 so later fetches see earlier stores
  } br_op_e;

  typedef enum logic [3:0] {
    MD_MUL_W, MD_MULH_W, MD_MULH_WU, MD_MUL_D, MD_MULH_D, MD_MULH_DU, MD_MULW_D_W, MD_MULW_D_WU,
    MD_DIV_W, MD_MOD_W, MD_DIV_WU, MD_MOD_WU, MD_DIV_D, MD_MOD_D, MD_DIV_DU, MD_MOD_DU
  } md_op_e;

  // Instructions served at the commit point (WB) by la_csr
  typedef enum logic [4:0] {
    SYS_NONE, SYS_CSRRD, SYS_CSRWR, SYS_CSRXCHG, SYS_RDTIMEL, SYS_RDTIMEH, SYS_RDTIMED, SYS_CPUCFG,
    SYS_ERTN, SYS_IDLE,
    SYS_TLBSRCH, SYS_TLBRD, SYS_TLBWR, SYS_TLBFILL, SYS_TLBCLR, SYS_TLBFLUSH, SYS_INVTLB,
    SYS_LDPTE,   // the page-table entry (read in EX) goes to TLBRELO0/1 and TLBREHI.PS at commit
    SYS_GTLBFLUSH
  } sys_op_e;

  // Software page walk (design.md 9.4): a physical 8-byte read from EX, address from rj and CSRs
  typedef enum logic [1:0] { PW_NONE, PW_LDDIR, PW_LDPTE } pw_op_e;

  // Bound checks (asrtle/asrtgt, ldgt/ldle/stgt/stle): BCE unless the condition holds
  typedef enum logic [1:0] { BND_NONE, BND_GT, BND_LE } bound_e;

  typedef struct packed {
    logic       illegal;     // no implementation: INE at commit
    logic       priv;        // privileged: IPE at PLV != 0 (takes precedence over `illegal`)
    logic       syscall;     // SYS
    logic       brk;         // BRK
    logic       gcsr;        // gcsrrd/gcsrwr/gcsrxchg: sys_op CSR* on the guest bank (LVZ)
    logic       hvcl;        // HVC in guest mode, INE in root mode (design.md 12.2)
    logic       cacop;
    logic       serial;      // changes state younger instructions depend on: WB refetches after it
    logic       rd2_we;      // rdtime* with rj != r0: rj <- TID
    logic       io_en;       // iocsrrd/iocsrwr: mem_op LOAD/STORE, mem_size, mem_sext as loads
    logic       rj_re, rk_re, rd_re;
    logic       rd_we;
    logic [4:0] wa;          // destination (r1 for bl)
    logic [63:0] imm;
    opa_sel_e   opa;
    logic       opb_imm;
    alu_op_e    alu_op;
    logic       alu_w;       // .w: compute on [31:0], sign-extend
    logic       alu_wu;      // alsl.wu: zero-extend instead
    logic       md_en;
    md_op_e     md_op;
    br_op_e     br_op;
    logic       link;        // result = pc + 4 (bl, jirl)
    logic       mem_en;
    mem_op_e    mem_op;
    logic [1:0] mem_size;
    logic       mem_sext;    // loads and am*: sign-extend the value into rd
    logic       mem_data_rk; // am*: the operand is rk; stores and sc use rd
    amo_op_e    amo_op;
    bound_e     bound;
    sys_op_e    sys_op;
    pw_op_e     pw_op;
  } decoded_t;

  // Pipeline registers. Field order is for simulation speed: the 64-bit fields (and the word) sit at
  // the LSB end, 32-bit aligned, so Verilator copies them as whole words.
  // ID -> EX
  typedef struct packed {
    logic        valid;
    logic        fexc;       // fetch exception: ADEF, TLB refill, PIF, PPI, PNX (fexc_cause)
    exc_cause_e  fexc_cause;
    logic        froot;      // ... of stage 2: an exit, pc_pa holds the GPA (design.md 12.6)
    decoded_t    dec;
    logic [31:0] insn;
    logic [63:0] pc;
    logic [63:0] pc_pa;      // where the word was fetched from (0 after a fetch fault)
    logic [63:0] rj_v, rk_v, rd_v;  // operands, already forwarded
  } id_ex_t;

  // EX -> MEM
  typedef struct packed {
    logic        valid;
    logic        exc;
    exc_cause_e  exc_cause;
    logic        fexc;       // the exception is a fetch fault (no instruction word: BADI kept)
    logic        exc_root;   // guest mode: the exception exits to the root (design.md 12.2, 12.5)
    logic        gcsr;       // the system operation reaches the guest bank from the root
    logic        serial;
    logic        rd2_we;
    logic        rd_we;
    logic [4:0]  wa;
    logic        io_en;      // an IOCSR access was issued
    logic        mem_en;     // a data access was issued
    mem_op_e     mem_op;
    amo_op_e     amo_op;
    logic [1:0]  mem_size;
    logic        mem_sext;
    logic        lddir;      // the loaded value is a directory entry: rd = value & PA_MASK
    sys_op_e     sys_op;
    logic [31:0] insn;
    logic [63:0] pc;
    logic [63:0] pc_pa;
    logic [63:0] badv;       // fetch faults: the pc; ALE/ADEM/TLB faults: the data address
    logic [63:0] result;     // ALU/muldiv/link result (lddir/ldpte without an access: the result)
    logic [63:0] mem_addr;
    logic [63:0] mem_pa;     // physical address of the access
    logic [63:0] mem_wdata;  // right-aligned, truncated to the size
    logic [63:0] sys_rj;     // csrxchg mask / cpucfg index / invtlb ASID / ldpte rj
    logic [63:0] sys_rd;     // csrwr/csrxchg value / invtlb VA (rk) / ldpte PS
  } ex_mem_t;

  // MEM -> WB
  typedef struct packed {
    logic        valid;
    logic        exc;
    exc_cause_e  exc_cause;
    logic        fexc;
    logic        exc_root;
    logic        gcsr;
    logic        serial;
    logic        rd2_we;
    logic        rd_we;
    logic [4:0]  wa;
    logic        iocsr;      // the memory fields describe an IOCSR access
    logic        mem_re;
    logic        mem_we;
    logic [1:0]  mem_size;
    sys_op_e     sys_op;
    logic [31:0] insn;
    logic [63:0] pc;
    logic [63:0] pc_pa;
    logic [63:0] badv;
    logic [63:0] result;     // final rd value unless sys_op (ldpte: the page-table entry)
    logic [63:0] mem_addr;
    logic [63:0] mem_pa;
    logic [63:0] mem_wdata;
    logic [63:0] sys_rj;
    logic [63:0] sys_rd;
  } mem_wb_t;

endpackage
