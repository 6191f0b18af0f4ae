#!/usr/bin/env python3
"""Marks one required symbol version of an ELF shared library weak (VER_FLG_WEAK), so that the
loader accepts a libstdc++ that lacks it. Usage: weaken_version.py LIB VERSION"""
import struct, sys
path, wanted = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(path, 'rb').read())
shoff, = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3A)
def section(i):
    name, typ, flags, addr, off, size, link = struct.unpack_from('<IIQQQQI', data, shoff + i * shentsize)
    return name, typ, off, size, link
names_off = section(shstrndx)[2]
def cstr(off):
    return bytes(data[off:data.index(0, off)])
found = 0
for i in range(shnum):
    name, typ, off, size, link = section(i)
    if cstr(names_off + name) != b'.gnu.version_r': continue
    strtab = section(link)[2]
    need = off
    while True:
        vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from('<HHIII', data, need)
        aux = need + vn_aux
        for _ in range(vn_cnt):
            vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from('<IHHII', data, aux)
            if cstr(strtab + vna_name) == wanted:
                struct.pack_into('<H', data, aux + 4, vna_flags | 0x2)
                found += 1
            aux += vna_next
        if vn_next == 0: break
        need += vn_next
if not found: sys.exit(f'{path}: needs no version {wanted.decode()}')
open(path, 'wb').write(data)
print(f'{path}: {wanted.decode()} marked weak')
