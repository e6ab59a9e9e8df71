/**
 * The catalogue of manifest diagnostic codes. A code is stable: it keeps its meaning forever
 * and is never reused, so scripts, tests and `docs/diagnostics.md` can rely on it. Severity is
 * part of the meaning: a code is always an error or always a warning.
 *
 * Ranges: VW0xx reading files and YAML, VW1xx document shape (schema), VW2xx names and
 * references, VW3xx guest definitions (domain XML), VW4xx storage mappings, VW5xx disaster
 * recovery and network personalities, VW6xx sites and hosts, VW9xx what the planner finds in
 * the world (`src/common/plan-codes.ts`).
 */
import { PLAN_CODES } from '../common/plan-codes.js';
import type { Severity } from '../model/diagnostic.js';

interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** What the code means, one line (the docs repeat it with an example). */
  readonly summary: string;
}

const e = (code: string, summary: string): CodeInfo => ({ code, severity: 'error', summary });
const w = (code: string, summary: string): CodeInfo => ({ code, severity: 'warning', summary });

/** Every code, by the name the loader uses for it. */
export const CODES = {
  pathNotFound: e('VW001', 'the manifest directory or file does not exist'),
  pathUnreadable: e('VW002', 'a manifest file or directory cannot be read'),
  noManifests: e('VW003', 'no *.yaml or *.yml files were found'),
  fileTooLarge: e('VW004', 'a file is larger than the 8 MiB limit'),
  notUtf8: e('VW005', 'a file is not valid UTF-8'),
  binaryFile: e('VW006', 'a file contains NUL bytes: it is binary, not YAML'),
  emptyFile: w('VW007', 'a manifest file contains no documents'),
  tooManyDocuments: e('VW008', 'a file holds more than 10,000 documents'),
  yamlSyntax: e('VW010', 'YAML syntax error'),
  tabIndent: e('VW011', 'a tab is used for indentation'),
  duplicateKey: e('VW012', 'a mapping has the same key twice'),
  tooDeep: e('VW013', 'the document is nested deeper than 64 levels'),
  aliasLimit: e('VW014', 'aliases expand to too many nodes (alias bomb)'),
  yamlWarning: w('VW015', 'YAML construct that is ignored (for example an unknown tag)'),
  outsideRoot: e('VW016', 'a file a manifest names resolves outside the manifest root'),

  notAnObject: e('VW100', 'a document is not a mapping'),
  apiVersion: e('VW101', 'apiVersion is missing or not virtwarden/v1'),
  unknownKind: e('VW102', 'kind is missing or unknown'),
  unknownField: e('VW103', 'a field that the kind does not have'),
  missingField: e('VW104', 'a required field is missing'),
  wrongType: e('VW105', 'a value has the wrong type'),
  notAllowedValue: e('VW106', 'a value is not one of the allowed values'),
  outOfRange: e('VW107', 'a number is outside its allowed range'),
  badFormat: e('VW108', 'a string does not have the required form (name, path, …)'),
  exactlyOne: e('VW109', 'exactly one of several alternative fields must be given'),
  listShape: e('VW110', 'a list is empty, too long, or has duplicate entries'),
  plaintextPassword: e('VW111', 'a password is written in plain text'),
  passwordInCommand: e('VW112', 'a command line carries a password in plain text'),
  hookGetsPassword: e('VW113', "a hook's passEnv names an engine password variable"),

  duplicateName: e('VW200', 'two objects of one kind have the same name'),
  unknownSite: e('VW201', 'a reference to a site that is not defined'),
  unknownHost: e('VW202', 'a reference to a host that no site defines'),
  hostOutsideSite: e('VW203', "a placement host does not belong to the guest's site(s)"),
  autoStartNotInHosts: e('VW204', 'an autoStart host is not one of placement.hosts'),
  unknownGuest: e('VW205', 'a reference to a guest that is not defined'),
  dependencyCycle: e('VW206', 'guests depend on each other in a cycle'),
  duplicateHost: e('VW207', 'two hosts have the same name'),
  duplicateDomainName: e('VW208', 'two guests have the same hypervisor name at one site'),
  guestInTwoPlans: e('VW209', 'a guest is part of two DisasterRecovery plans'),
  duplicateInService: e('VW210', "a guest appears twice in one service's tiers"),
  ovirtPlacement: e('VW211', 'an oVirt guest names placement hosts (the engine places it)'),
  noPlacement: e('VW212', 'a libvirt guest has no placement hosts'),
  healthOnOvirt: e('VW213', 'an oVirt guest declares health (libvirt sites only)'),

  definitionMissing: e('VW300', "a guest's definition file is missing or unreadable"),
  definitionNotXml: e('VW301', "a guest's definition file is not well-formed XML"),
  notADomain: e('VW302', "a guest's definition is not a libvirt <domain type='…'>"),
  domainNameMismatch: e('VW303', "the definition's <name> differs from the guest's name"),
  definitionRequired: e('VW304', 'a libvirt guest that should exist has no definition'),
  definitionNotAllowed: e('VW305', 'an oVirt guest has a libvirt definition'),
  drGuestHasCdrom: e('VW306', 'a DR guest has a CD-ROM of its own'),
  drGuestBootsFromCdrom: e('VW307', 'a DR guest boots from CD-ROM first'),
  badUuid: e('VW308', "the definition's <uuid> is not a UUID"),
  definitionTooLarge: e('VW309', "a guest's definition is over 1 MiB or 5,000 elements"),

  unstableDeviceName: e('VW400', 'a disk source uses an enumeration-order name (/dev/sdX, …)'),
  labelSource: e('VW401', 'a disk source is a by-label/by-uuid link the guest can change'),
  passthroughNeedsScsi: e('VW402', 'LUN passthrough is only possible on virtio-scsi'),
  tooManyVirtioBlk: e('VW403', 'a guest has more than 28 virtio-blk disks'),
  duplicateTarget: e('VW404', 'a target device name is used twice for one guest'),
  sharedWithoutShareable: e('VW405', 'a source is mapped to two guests without shareable'),
  shareableCache: w('VW406', 'a shareable disk uses host caching (cache is not none)'),
  passthroughNotLun: e('VW407', 'passthrough of a pool volume (only LUNs can be passed through)'),
  sameSourceTwice: e('VW408', 'one guest maps the same source twice'),

  drSites: e('VW500', 'a DR plan must name two different sites'),
  activeSiteNotInPlan: e('VW501', "activeSite is not one of the plan's sites"),
  missingNetwork: e('VW502', 'a DR guest has no network personality for one of the sites'),
  networkSiteNotInPlan: e('VW503', 'a network personality names a site outside the plan'),
  badAddress: e('VW504', 'an address is not a valid IP address with prefix length'),
  badGateway: e('VW505', 'a gateway is not a valid address inside the subnet'),
  badDnsServer: e('VW506', 'a DNS server is not a valid IP address'),
  guestSiteNotInPlan: e('VW507', "a DR guest's own site is not one of the plan's sites"),
  spmWithoutOvirt: w('VW508', 'spmHandover is set but no site of the plan is oVirt'),
  duplicateReplication: e('VW509', 'two replication entries of one plan have the same name'),
  duplicateDrGuest: e('VW510', 'a guest is listed twice in one DR plan'),

  badUri: e('VW600', 'a libvirt or migration URI has no scheme'),
  ovirtNotHttps: e('VW601', 'an oVirt engine URL is not https://'),
  insecureTls: w('VW602', 'TLS verification is switched off for an oVirt engine'),
  uriPassword: e('VW603', 'a URI carries a password in its user part'),
} as const satisfies Record<string, CodeInfo>;

export type CodeName = keyof typeof CODES;

/** Every code, in order — the manifest's, then the planner's (VW9xx) — for docs and tests. */
export const ALL_CODES: readonly CodeInfo[] = [
  ...Object.values(CODES),
  ...Object.values(PLAN_CODES),
];
