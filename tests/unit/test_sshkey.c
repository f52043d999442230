/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps bundle --ssh-key and --packages input checks (rootfs/sshkey.c,
 * rootfs/template_pkgs.c): what passes, what is refused and why. */
#include <string.h>

#include "tap.h"
#include "rootfs/template.h"

#define ED "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOl7Dijv0HFTi2r8v4x3sMr8zilMQ6P4c1kIcoVP1h9"
#define RSA                                                                                        \
	"ssh-rsa "                                                                                 \
	"AAAAB3NzaC1yc2EAAAADAQABAAABAQDmy4bxzoLU3oSo6xHfjUfx6MqcjVvsSvGqVlkq8sCeDynDrEDeEDDlV7IZ" \
	"qX3LAoRm7IUIjdSDOJrAWSkhkis8rnPA9bpM3KJ6VNZUpMd9/FHAqSTqkGcxVt4j//"                       \
	"uHvqXcx1aQJ+bwNVGsboSv+HvR9tR0uGwMNzNh5Wh4OkAPTP3knCEGmmq+3Q/"                            \
	"vm9LQcxMCx2tmvjtjVcVR7TxOav405PpAQIFDRMbNeGCdAz6CZYvzJ12tVMXWBty+J+"                      \
	"Yv7M601qOTjtsRXl6v1pN62Qy9QkrxAR+m3vogd+"                                                 \
	"fU18YFqtf4UXq9BWDC3BBEIblnmow0ezD1F1qJHGce8Sihyekj"
#define EC                                                                                         \
	"ecdsa-sha2-nistp256 "                                                                     \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBELd2lOcSBJAlCODZSMTXYl+1YFCH/K/"     \
	"hI8pIXwZxvX4cWW+KG93NkmVxj0cBPSE24DM+IGir7v8OqDFlODAv/E="

static void key_ok(const char *text, const char *what)
{
	vps_err e = {0};
	is_int(vps_sshkey_check(text, &e), 0, "key accepted: %s (%s)", what, e.msg);
}

static void key_bad(const char *text, const char *want, const char *what)
{
	vps_err e = {0};
	ok(vps_sshkey_check(text, &e) < 0, "key refused: %s", what);
	ok(strstr(e.msg, want) != NULL, "  says \"%s\": %s", want, e.msg);
}

static void test_keys(void)
{
	key_ok(ED, "ed25519, no comment");
	key_ok(ED " me@laptop\n", "ed25519 with a comment");
	key_ok(RSA " a b c\r\n" EC "\n\n# a comment\n" ED, "three keys, CRLF, blank, comment");
	key_ok("  " ED "\t x\n", "leading blanks");
	key_bad("", "no public key", "empty");
	key_bad("# only\n\n", "no public key", "only comments");
	key_bad("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n",
		"private key", "an OpenSSH private key");
	key_bad("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "private key", "a PEM private key");
	key_bad("PuTTY-User-Key-File-3: ssh-ed25519\n", "private key", "a PuTTY key");
	key_bad(ED "\nssh-dss AAAAB3NzaC1kc3M= x\n", "line 2: not an OpenSSH public key",
		"a DSA key (disabled in OpenSSH)");
	key_bad("from=\"10.0.0.1\" " ED, "no options", "options before the key");
	key_bad("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoo", "damaged", "truncated base64");
	key_bad("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOOl7Dijv0HFTi2r8v4x3sMr8zilMQ6P4c1kIcoVP1h9",
		"not a ssh-rsa key", "an ed25519 blob named ssh-rsa");
	key_bad("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOl7Dijv0HFTi2r8v4x3sMr8zilMQ6P4c1kIcoVP1h9!",
		"damaged", "a character outside base64");
	key_bad("ssh-ed25519", "damaged", "no base64 at all");
	key_bad(ED " x\033[2J", "control character", "an escape in the comment");
}

static void pkgs_ok(const char *list)
{
	vps_err e = {0};
	is_int(vps_tmpl_pkgs_check(list, &e), 0, "packages \"%s\" accepted (%s)", list, e.msg);
}

static void pkgs_bad(const char *list, const char *want)
{
	vps_err e = {0};
	ok(vps_tmpl_pkgs_check(list, &e) < 0, "packages \"%s\" refused", list);
	ok(strstr(e.msg, want) != NULL, "  says \"%s\": %s", want, e.msg);
}

static void test_packages(void)
{
	pkgs_ok("openssh-server");
	pkgs_ok("openssh-server,curl,libstdc++6,g++-12,python3.11");
	pkgs_bad("", "\"\": not a Debian package name");
	pkgs_bad("curl,", "\"\": not a Debian package name");
	pkgs_bad(",curl", "\"\": not a Debian package name");
	pkgs_bad("--allow-unauthenticated", "\"--allow-unauthenticated\": not a Debian");
	pkgs_bad("curl,-x", "\"-x\"");
	pkgs_bad("Curl", "\"Curl\"");
	pkgs_bad("c", "\"c\"");
	pkgs_bad("curl wget", "\"curl wget\"");
	pkgs_bad("curl;rm", "\"curl;rm\"");
	pkgs_bad("curl:amd64", "\"curl:amd64\"");
	pkgs_bad("../x", "\"../x\"");
	char many[VPS_TMPL_MAX_PKGS * 4 + 8] = "";
	for (int i = 0; i <= VPS_TMPL_MAX_PKGS; i++)
		strcat(many, i ? ",p1" : "p1");
	pkgs_bad(many, "more than 64 packages");
}

int main(void)
{
	test_keys();
	test_packages();
	return done_testing();
}
