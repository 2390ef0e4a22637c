/**
 * Link-layer headers: from the start of a captured packet to its IPv4 or IPv6 header.
 *
 * The LinkType values are those of the PCAP LinkType registry (draft-ietf-opsawg-pcaplinktype;
 * the per-type layouts are the tcpdump.org pages it cites, https://www.tcpdump.org/linktypes/).
 * Only link types that carry IP directly are read; {@link linkTypeName} names the others so a
 * message can say what the file holds.
 *
 * {@link linkPayload} never throws and allocates nothing: it returns the network protocol and
 * writes the IP header's offset to {@link LinkResult.offset}.
 *
 * @module
 */

/** LINKTYPE_NULL: BSD loopback, a 4-byte protocol family in the writer's byte order. */
export const LINKTYPE_NULL = 0;
/** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet (DIX), with or without 802.1Q tags. */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_RAW: raw IP; the version nibble says IPv4 or IPv6. */
export const LINKTYPE_RAW = 101;
/** LINKTYPE_LOOP: OpenBSD loopback, like NULL but the family is always big-endian. */
export const LINKTYPE_LOOP = 108;
/** LINKTYPE_LINUX_SLL: Linux "cooked" capture v1 (tcpdump -i any before libpcap 1.10). */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_IPV4: raw IPv4 only. */
export const LINKTYPE_IPV4 = 228;
/** LINKTYPE_IPV6: raw IPv6 only. */
export const LINKTYPE_IPV6 = 229;
/** LINKTYPE_LINUX_SLL2: Linux "cooked" capture v2 (tcpdump -i any since libpcap 1.10). */
export const LINKTYPE_LINUX_SLL2 = 276;
/**
 * DLT_RAW as some systems wrote it into files before LINKTYPE_RAW existed: 12 on most BSDs and
 * Linux, 14 on OpenBSD and BSD/OS. libpcap and Wireshark read both as raw IP (libpcap
 * pcap-common.c, "LINKTYPE_RAW ... DLT_RAW is 12 or 14"); so does this reader, checking the
 * version nibble of each packet.
 */
export const LINKTYPE_DLT_RAW_12 = 12;
export const LINKTYPE_DLT_RAW_14 = 14;

/** The link types this reader decodes. */
export const SUPPORTED_LINK_TYPES: ReadonlySet<number> = new Set([
	LINKTYPE_NULL,
	LINKTYPE_ETHERNET,
	LINKTYPE_DLT_RAW_12,
	LINKTYPE_DLT_RAW_14,
	LINKTYPE_RAW,
	LINKTYPE_LOOP,
	LINKTYPE_LINUX_SLL,
	LINKTYPE_IPV4,
	LINKTYPE_IPV6,
	LINKTYPE_LINUX_SLL2
]);

const NAMES: Record<number, string> = {
	0: 'BSD loopback (NULL)',
	1: 'Ethernet',
	6: 'IEEE 802.5 Token Ring',
	9: 'PPP',
	10: 'FDDI',
	12: 'raw IP (DLT_RAW 12)',
	14: 'raw IP (DLT_RAW 14)',
	50: 'PPP in HDLC-like framing',
	101: 'raw IP',
	104: 'Cisco HDLC',
	105: 'IEEE 802.11 Wi-Fi',
	108: 'OpenBSD loopback (LOOP)',
	113: 'Linux cooked capture (SLL)',
	119: 'Prism 802.11 radio header',
	127: 'IEEE 802.11 with radiotap header',
	143: 'DOCSIS',
	187: 'Bluetooth HCI H4',
	189: 'USB (Linux)',
	195: 'IEEE 802.15.4',
	201: 'Bluetooth HCI H4 with direction',
	220: 'USB (Linux, memory-mapped)',
	227: 'CAN (SocketCAN)',
	228: 'raw IPv4',
	229: 'raw IPv6',
	249: 'USBPcap',
	252: 'Wireshark Upper PDU',
	253: 'Linux netlink',
	263: 'IP over InfiniBand',
	276: 'Linux cooked capture v2 (SLL2)'
};

/** A readable name for a LinkType value, e.g. `"Ethernet (1)"`, `"IEEE 802.11 Wi-Fi (105)"`. */
export function linkTypeName(linkType: number): string {
	const n = NAMES[linkType];
	return n ? `${n} (${linkType})` : `link type ${linkType}`;
}

/** What a link-layer header carries. */
export const NET_NONE = 0;
export const NET_IPV4 = 4;
export const NET_IPV6 = 6;
export type NetProto = typeof NET_NONE | typeof NET_IPV4 | typeof NET_IPV6;

/** Ethernet types (IEEE 802 numbers, https://www.iana.org/assignments/ieee-802-numbers). */
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
/** 802.1Q customer VLAN tag. */
const ETH_VLAN = 0x8100;
/** 802.1ad service VLAN tag (Q-in-Q outer tag). */
const ETH_QINQ = 0x88a8;
/** Pre-standard Q-in-Q outer tag used by some vendors. */
const ETH_QINQ_OLD = 0x9100;
/** At most this many stacked VLAN tags are walked (a loop guard; real networks use one or two). */
const MAX_VLAN_TAGS = 8;

/**
 * BSD address families that mean IPv6 in a LINKTYPE_NULL / LINKTYPE_LOOP header: 24 (NetBSD,
 * OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly BSD), 30 (macOS, iOS), as listed on
 * tcpdump.org's LINKTYPE_NULL page; 10 (Linux AF_INET6) also seen in files written on Linux.
 */
function bsdFamilyNet(family: number): NetProto {
	if (family === 2) return NET_IPV4;
	if (family === 24 || family === 28 || family === 30 || family === 10) return NET_IPV6;
	return NET_NONE;
}

function ethertypeNet(type: number): NetProto {
	return type === ETH_IPV4 ? NET_IPV4 : type === ETH_IPV6 ? NET_IPV6 : NET_NONE;
}

/** Result of {@link linkPayload}, reused between calls. */
export interface LinkResult {
	/** Byte offset of the IP header in the packet. */
	offset: number;
	/** VLAN ids of the 802.1Q/802.1ad tags walked, outermost first (empty when untagged). */
	vlans: number[];
	/** Why nothing was found, for messages (empty when an IP header was found). */
	reason: string;
}

/**
 * Find the IP header in one captured packet.
 *
 * @param linkType - the interface's LinkType.
 * @param d - captured bytes (may be shorter than the packet: snap length).
 * @param out - receives the IP header's offset, the VLAN tags walked and a reason on failure.
 * @returns NET_IPV4, NET_IPV6, or NET_NONE (not IP, unsupported, or cut off by the snap length).
 */
export function linkPayload(linkType: number, d: Uint8Array, out: LinkResult): NetProto {
	out.offset = 0;
	out.vlans.length = 0;
	out.reason = '';
	const n = d.length;
	switch (linkType) {
		case LINKTYPE_ETHERNET: {
			// Destination MAC (6), source MAC (6), EtherType/length (2); 802.1Q tags (4 bytes: TCI,
			// then the next EtherType) may be stacked before the payload's EtherType.
			if (n < 14) return short(out, 'Ethernet header');
			let off = 12;
			let type = (d[off] << 8) | d[off + 1];
			let tags = 0;
			while ((type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) && tags < MAX_VLAN_TAGS) {
				if (n < off + 6) return short(out, '802.1Q VLAN tag');
				out.vlans.push(((d[off + 2] << 8) | d[off + 3]) & 0x0fff);
				off += 4;
				type = (d[off] << 8) | d[off + 1];
				tags++;
			}
			out.offset = off + 2;
			const net = ethertypeNet(type);
			if (net === NET_NONE) out.reason = type <= 1500 ? 'an IEEE 802.3 frame with an LLC header, not IP' : `EtherType 0x${hex4(type)}, not IP`;
			return net;
		}
		case LINKTYPE_LINUX_SLL: {
			// Packet type (2), ARPHRD type (2), link-layer address length (2), address (8), protocol (2).
			if (n < 16) return short(out, 'Linux cooked (SLL) header');
			const proto = (d[14] << 8) | d[15];
			out.offset = 16;
			const net = ethertypeNet(proto);
			if (net === NET_NONE) out.reason = `protocol 0x${hex4(proto)}, not IP`;
			return net;
		}
		case LINKTYPE_LINUX_SLL2: {
			// Protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1),
			// link-layer address length (1), address (8): 20 bytes.
			if (n < 20) return short(out, 'Linux cooked (SLL2) header');
			const proto = (d[0] << 8) | d[1];
			out.offset = 20;
			const net = ethertypeNet(proto);
			if (net === NET_NONE) out.reason = `protocol 0x${hex4(proto)}, not IP`;
			return net;
		}
		case LINKTYPE_NULL:
		case LINKTYPE_LOOP: {
			if (n < 4) return short(out, 'loopback header');
			const be = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
			let family: number;
			if (linkType === LINKTYPE_LOOP) family = be;
			else {
				// LINKTYPE_NULL is in the byte order of the machine that wrote the file, which need
				// not be the file header's (tcpdump.org LINKTYPE_NULL). Families are small numbers,
				// so the order that gives one below 2^16 is the right one.
				const le = (d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24)) >>> 0;
				family = le <= 0xffff ? le : be;
			}
			out.offset = 4;
			const net = bsdFamilyNet(family);
			if (net === NET_NONE) out.reason = `address family ${family}, not IP`;
			return net;
		}
		case LINKTYPE_RAW:
		case LINKTYPE_DLT_RAW_12:
		case LINKTYPE_DLT_RAW_14: {
			if (n < 1) return short(out, 'IP header');
			const v = d[0] >> 4;
			if (v === 4) return NET_IPV4;
			if (v === 6) return NET_IPV6;
			out.reason = `IP version ${v}, not 4 or 6`;
			return NET_NONE;
		}
		case LINKTYPE_IPV4:
			return NET_IPV4;
		case LINKTYPE_IPV6:
			return NET_IPV6;
		default:
			out.reason = `unsupported ${linkTypeName(linkType)}`;
			return NET_NONE;
	}
}

function short(out: LinkResult, what: string): NetProto {
	out.reason = `captured bytes end inside the ${what}`;
	return NET_NONE;
}

function hex4(n: number): string {
	return n.toString(16).padStart(4, '0');
}

/** A fresh {@link LinkResult} to pass to {@link linkPayload}. */
export function newLinkResult(): LinkResult {
	return { offset: 0, vlans: [], reason: '' };
}
