/*
 * Multiboot entry of the tiny lab guest. QEMU's multiboot loader (`-kernel`, libvirt
 * <os><kernel>) enters here in 32-bit protected mode with interrupts off; we only need a stack,
 * our own GDT (the loader's is not guaranteed to stay valid) and the interrupt stubs.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory info */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .section .bss
        .align 16
stack_bottom:
        .skip 8192
stack_top:

        .section .text
        .global _start
_start:
        cli
        mov $stack_top, %esp
        lgdt gdt_descriptor
        ljmp $0x08, $reload_segments
reload_segments:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %fs
        mov %ax, %gs
        mov %ax, %ss
        push %ebx              /* the loader's multiboot information (command line, memory) */
        call kmain
halt_forever:
        cli
        hlt
        jmp halt_forever

/* IRQ0 (PIT, remapped to vector 32): count a tick, acknowledge the PIC. */
        .global irq0_stub
irq0_stub:
        pusha
        call on_timer_tick
        mov $0x20, %al
        outb %al, $0x20
        popa
        iret

/* Any other vector (spurious IRQ7/15): return without touching the PIC. */
        .global ignore_stub
ignore_stub:
        iret

        .section .rodata
        .align 8
gdt:
        .quad 0x0000000000000000 /* null */
        .quad 0x00CF9A000000FFFF /* 0x08: flat 4 GiB code, ring 0 */
        .quad 0x00CF92000000FFFF /* 0x10: flat 4 GiB data, ring 0 */
gdt_end:
gdt_descriptor:
        .word gdt_end - gdt - 1
        .long gdt

        .section .note.GNU-stack, "", @progbits
