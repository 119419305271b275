/*
 * Reference for npm run bench:hsm: N ECDSA P-256 signatures over a fixed
 * 32-byte digest, straight through the PKCS#11 C API (C_SignInit + C_Sign per
 * signature, the same two calls our layer makes), against the token and key
 * the bench script made. Prints the elapsed milliseconds of the loop only.
 *
 * usage: hsm-sign <module.so> <token-label> <user-pin> <key-label> <count>
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CK_PTR *
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType(*name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType(*name)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#include "pkcs11.h"

#define CHECK(call) do { CK_RV rv_ = (call); if (rv_ != CKR_OK) { fprintf(stderr, "%s failed: 0x%lx\n", #call, rv_); return 1; } } while (0)

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s module token pin key count\n", argv[0]); return 2; }
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
  CK_C_GetFunctionList getList = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR f;
  CHECK(getList(&f));
  CHECK(f->C_Initialize(NULL_PTR));
  CK_SLOT_ID slots[64];
  CK_ULONG nslots = 64;
  CHECK(f->C_GetSlotList(CK_TRUE, slots, &nslots));
  CK_SLOT_ID slot = (CK_SLOT_ID)-1;
  char want[33];
  snprintf(want, sizeof want, "%-32s", argv[2]);
  for (CK_ULONG i = 0; i < nslots; i++) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(slots[i], &info) == CKR_OK && memcmp(info.label, want, 32) == 0) slot = slots[i];
  }
  if (slot == (CK_SLOT_ID)-1) { fprintf(stderr, "token not found\n"); return 1; }
  CK_SESSION_HANDLE s;
  CHECK(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL_PTR, NULL_PTR, &s));
  CHECK(f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)argv[3], strlen(argv[3])));
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_LABEL, argv[4], strlen(argv[4]) } };
  CK_OBJECT_HANDLE key;
  CK_ULONG found = 0;
  CHECK(f->C_FindObjectsInit(s, tmpl, 2));
  CHECK(f->C_FindObjects(s, &key, 1, &found));
  CHECK(f->C_FindObjectsFinal(s));
  if (found != 1) { fprintf(stderr, "key not found\n"); return 1; }
  int count = atoi(argv[5]);
  unsigned char digest[32], sig[64];
  memset(digest, 0x5a, sizeof digest);
  CK_MECHANISM mech = { CKM_ECDSA, NULL_PTR, 0 };
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < count; i++) {
    CK_ULONG len = sizeof sig;
    digest[0] = (unsigned char)i;
    CHECK(f->C_SignInit(s, &mech, key));
    CHECK(f->C_Sign(s, digest, sizeof digest, sig, &len));
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%.3f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  f->C_Logout(s);
  f->C_CloseSession(s);
  f->C_Finalize(NULL_PTR);
  return 0;
}
