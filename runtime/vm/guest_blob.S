/* The static guest init (built by runtime/vm/vm.mk), embedded in vps so the
 * initramfs needs nothing from the filesystem at run time. */
	.section .rodata
	.global vps_vm_guest_init
	.global vps_vm_guest_init_end
	.balign 16
vps_vm_guest_init:
	.incbin GUEST_INIT
vps_vm_guest_init_end:
	.section .note.GNU-stack,"",@progbits
