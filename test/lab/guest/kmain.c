/*
 * The tiny lab guest: prints "booted" once, then "uptime Ns" every second on COM1, idling in
 * `hlt` between 100 Hz PIT ticks. The counter lives in guest RAM, so it continues across a live
 * migration or a managed save and restarts from 1 after a reboot: that is what tests look at.
 * It has no ACPI support, so it ignores `virsh shutdown`.
 *
 * Command line (libvirt <cmdline>): `fill=N` writes a non-zero pattern over N MiB of RAM above
 * the kernel at boot, so a live migration has N MiB to carry (QEMU skips zero pages): at a
 * bandwidth of 1 MiB/s it lasts about N seconds, long enough to watch, time out or abort.
 * `diskwrite=S` writes one sector to the primary IDE master (ATA PIO, LBA 0) once the counter
 * reaches S seconds, printing `disk write` before and `disk written` / `disk error` after: with
 * a disk whose writes fail and `werror` set to stop, QEMU pauses the guest on that write, which
 * libvirt reports as `paused (ioerror)` (a real I/O-error pause, see test/lab/guest-xml.ts).
 *
 * Health signals (issue 19). An Intel 6300ESB watchdog on the PCI bus (libvirt `<watchdog
 * model='i6300esb'/>`) is armed at boot with a 2 s + 2 s timeout and fed every second from the
 * counter loop (`watchdog armed` is printed). `hang=S` makes the guest hang once its counter
 * reaches S: it prints `hang`, masks interrupts and halts, so the counter stops, ACPI is
 * ignored and the watchdog starves (QEMU fires it at most ~4 s later). `panic=S` writes 1 (PANICKED)
 * to the ISA pvpanic port 0x505 (libvirt `<panic model='isa'/>`) at S, after printing `panic`.
 * A reset (virDomainReset) boots it again, with the same command line.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#define COM1 0x3F8
#define PIT_HZ 100
#define PIT_INPUT_HZ 1193182

static inline void outb(u16 port, u8 value) { __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
static inline void outw(u16 port, u16 value) { __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
static inline u8 inb(u16 port) {
  u8 value;
  __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

static void serial_init(void) {
  outb(COM1 + 1, 0x00); /* no UART interrupts: we poll */
  outb(COM1 + 3, 0x80); /* DLAB on */
  outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
  outb(COM1 + 2, 0xC7); /* FIFO on and cleared */
}

static void serial_putc(char c) {
  while ((inb(COM1 + 5) & 0x20) == 0) {
  }
  outb(COM1, (u8)c);
}

static void serial_puts(const char *s) {
  while (*s) serial_putc(*s++);
}

static void serial_putu(u32 n) {
  char digits[10];
  int count = 0;
  do {
    digits[count++] = (char)('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (count > 0) serial_putc(digits[--count]);
}

struct idt_entry {
  u16 offset_low, selector;
  u8 zero, type_attr;
  u16 offset_high;
} __attribute__((packed));

struct idt_pointer {
  u16 limit;
  u32 base;
} __attribute__((packed));

/* Vectors 0-31 stay absent on purpose: a CPU exception triple-faults and resets the guest, which
 * a test sees as a second "booted" banner instead of a silent hang. */
#define IDT_ENTRIES 48
static struct idt_entry idt[IDT_ENTRIES];

extern void irq0_stub(void);
extern void ignore_stub(void);

static void idt_set(int vector, void (*handler)(void)) {
  u32 address = (u32)handler;
  idt[vector].offset_low = (u16)(address & 0xFFFF);
  idt[vector].selector = 0x08;
  idt[vector].zero = 0;
  idt[vector].type_attr = 0x8E; /* present, ring 0, 32-bit interrupt gate */
  idt[vector].offset_high = (u16)(address >> 16);
}

static void idt_init(void) {
  idt_set(32, irq0_stub);
  idt_set(39, ignore_stub); /* spurious IRQ7 */
  idt_set(47, ignore_stub); /* spurious IRQ15 */
  struct idt_pointer pointer = {sizeof idt - 1, (u32)idt};
  __asm__ volatile("lidt %0" : : "m"(pointer));
}

/* Remap the PICs to vectors 32-47 and unmask only IRQ0 (the PIT). */
static void pic_init(void) {
  outb(0x20, 0x11);
  outb(0xA0, 0x11);
  outb(0x21, 0x20);
  outb(0xA1, 0x28);
  outb(0x21, 0x04);
  outb(0xA1, 0x02);
  outb(0x21, 0x01);
  outb(0xA1, 0x01);
  outb(0x21, 0xFE);
  outb(0xA1, 0xFF);
}

static void pit_init(void) {
  u32 divisor = PIT_INPUT_HZ / PIT_HZ;
  outb(0x43, 0x36); /* channel 0, lobyte/hibyte, mode 3 (square wave) */
  outb(0x40, (u8)(divisor & 0xFF));
  outb(0x40, (u8)(divisor >> 8));
}

static volatile u32 ticks;

void on_timer_tick(void) { ticks++; }

/* The part of the multiboot information we read (flags bit 0: memory sizes, bit 2: cmdline). */
struct multiboot_info {
  u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

#define FILL_START 0x200000u /* 2 MiB: above the kernel (loaded at 1 MiB) and its stack */

/* The number after `key` (e.g. "fill=") on the command line, `absent` when it is not there. */
static u32 cmdline_u32(const struct multiboot_info *mbi, const char *key, u32 absent) {
  if ((mbi->flags & 4u) == 0 || mbi->cmdline == 0) return absent;
  for (const char *s = (const char *)mbi->cmdline; *s; s++) {
    const char *k = key, *p = s;
    while (*k && *p == *k) k++, p++;
    if (*k != 0 || (s != (const char *)mbi->cmdline && s[-1] != ' ')) continue;
    u32 n = 0;
    for (; *p >= '0' && *p <= '9'; p++) n = n * 10 + (u32)(*p - '0');
    return n;
  }
  return absent;
}

static void fill_memory(const struct multiboot_info *mbi) {
  u32 mib = cmdline_u32(mbi, "fill=", 0);
  if (mib == 0) return;
  u32 end = FILL_START + mib * 0x100000u;
  /* Never past the RAM the loader reported (mem_upper: KiB above 1 MiB). */
  if ((mbi->flags & 1u) != 0) {
    u32 top = 0x100000u + mbi->mem_upper * 1024u;
    if (end > top) end = top;
  }
  for (volatile u32 *p = (volatile u32 *)FILL_START; (u32)p < end; p++) *p = (u32)p ^ 0x5A5A5A5Au;
  serial_puts("filled ");
  serial_putu((end - FILL_START) / 0x100000u);
  serial_puts(" MiB\n");
}

#define ATA 0x1F0 /* primary IDE channel: data, …, drive/head (+6), status/command (+7) */
#define ATA_BSY 0x80
#define ATA_DRQ 0x08
#define ATA_ERR 0x01

/* Status once BSY is clear, or 0xFF after ~a second of polling (no drive answers). */
static u8 ata_idle(void) {
  for (u32 i = 0; i < 2000000u; i++) {
    u8 status = inb(ATA + 7);
    if ((status & ATA_BSY) == 0) return status;
  }
  return 0xFF;
}

/* One sector of PIO WRITE SECTORS to LBA 0 of the master. A drive that fails the write either
 * sets ERR (werror=report) or never completes because QEMU stopped the VM (werror=stop). */
static void disk_write(void) {
  serial_puts("disk write\n");
  outb(ATA + 6, 0xE0); /* master, LBA mode, LBA bits 24-27 = 0 */
  u8 status = ata_idle();
  if (status == 0xFF || status == 0) {
    serial_puts("disk absent\n");
    return;
  }
  outb(ATA + 2, 1); /* sector count */
  outb(ATA + 3, 0);
  outb(ATA + 4, 0);
  outb(ATA + 5, 0);
  outb(ATA + 7, 0x30); /* WRITE SECTORS */
  status = ata_idle();
  if ((status & ATA_DRQ) == 0) {
    serial_puts("disk error\n");
    return;
  }
  for (int i = 0; i < 256; i++) outw(ATA, 0xA55A);
  status = ata_idle();
  serial_puts((status & (ATA_ERR | ATA_BSY)) != 0 ? "disk error\n" : "disk written\n");
}

#define PCI_ADDRESS 0xCF8
#define PCI_DATA 0xCFC
static inline void outl(u16 port, u32 value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
static inline u32 inl(u16 port) {
  u32 value;
  __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

static u32 pci_address(u32 device, u32 reg) { return 0x80000000u | (device << 11) | (reg & 0xFCu); }

static u32 pci_read32(u32 device, u32 reg) {
  outl(PCI_ADDRESS, pci_address(device, reg));
  return inl(PCI_DATA);
}

static void pci_write16(u32 device, u32 reg, u16 value) {
  outl(PCI_ADDRESS, pci_address(device, reg));
  outw((u16)(PCI_DATA + (reg & 2u)), value);
}

static void pci_write8(u32 device, u32 reg, u8 value) {
  outl(PCI_ADDRESS, pci_address(device, reg));
  outb((u16)(PCI_DATA + (reg & 3u)), value);
}

/* The 6300ESB's memory-mapped registers (BAR0), 0 when there is no such device. */
static volatile u8 *watchdog;

static void watchdog_unlock(void) {
  *(volatile u16 *)(watchdog + 0x0C) = 0x80;
  *(volatile u16 *)(watchdog + 0x0C) = 0x86;
}

/* Find the device on bus 0 (vendor 8086, device 25AB), set both stages to ~2 s (1 kHz scale:
 * a preload of 2000 is 2000 << 15 ticks of 30 ns = 1.97 s) and enable it. SeaBIOS assigned the
 * BAR; memory decoding is switched on here in case it did not. */
static void watchdog_init(void) {
  for (u32 device = 0; device < 32; device++) {
    if (pci_read32(device, 0) != 0x25AB8086u) continue;
    u32 bar = pci_read32(device, 0x10) & 0xFFFFFFF0u;
    if (bar == 0) return;
    pci_write16(device, 0x04, (u16)(pci_read32(device, 0x04) | 0x2u));
    watchdog = (volatile u8 *)bar;
    pci_write16(device, 0x60, 0x0000); /* reboot (QEMU's action) on, 1 kHz, IRQ type */
    watchdog_unlock();
    *(volatile u32 *)(watchdog + 0x00) = 2000;
    watchdog_unlock();
    *(volatile u32 *)(watchdog + 0x04) = 2000;
    pci_write8(device, 0x68, 0x02); /* enabled, not locked, not free-running */
    serial_puts("watchdog armed\n");
    return;
  }
}

static void watchdog_feed(void) {
  if (watchdog == 0) return;
  watchdog_unlock();
  *(volatile u16 *)(watchdog + 0x0C) = 0x100;
}

void kmain(const struct multiboot_info *mbi) {
  serial_init();
  serial_puts("\nbooted\n"); /* own line: SeaBIOS may have written to COM1 before us */
  fill_memory(mbi);
  u32 write_at = cmdline_u32(mbi, "diskwrite=", 0xFFFFFFFFu);
  u32 hang_at = cmdline_u32(mbi, "hang=", 0xFFFFFFFFu);
  u32 panic_at = cmdline_u32(mbi, "panic=", 0xFFFFFFFFu);
  watchdog_init();
  idt_init();
  pic_init();
  pit_init();
  u32 reported = 0;
  for (;;) {
    __asm__ volatile("sti; hlt" ::: "memory"); /* sti's shadow makes the pair atomic */
    u32 seconds = ticks / PIT_HZ;
    if (seconds != reported) {
      reported = seconds;
      serial_puts("uptime ");
      serial_putu(seconds);
      serial_puts("s\n");
      if (seconds == write_at) disk_write();
      if (seconds == panic_at) {
        serial_puts("panic\n");
        outb(0x505, 1);
      }
      if (seconds == hang_at) {
        serial_puts("hang\n");
        for (;;) __asm__ volatile("cli; hlt");
      }
      watchdog_feed();
    }
  }
}
