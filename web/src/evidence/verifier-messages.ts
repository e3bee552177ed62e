/**
 * What the offline verifier page says, in Chinese first and English second. The page is one file
 * opened from disk, apart from the console, so it carries its own catalogue rather than the
 * console's (whose keys it would mostly not use); the words follow the console's.
 */
import type { PackProblem } from '../../../shared/domain/evidence/check-pack';

export type VerifierLang = 'zh-CN' | 'en';

const zh = {
  title: '证据包核验',
  intro:
    '本页在浏览器中独立核验证据包：逐一重新计算每个事件的 SHA-256 哈希，核对哈希链、链头、辖区摘要和封印。不连接任何服务器或网络，文件不会离开本机。',
  switchLang: 'English',
  file: '证据包文件（.json）',
  recorded: '检查记录中登记的封印值或摘要根（可选）',
  recordedHint: '填写后，与本证据包重新计算出的封印值核对。',
  verify: '核验',
  working: '正在核验……',
  holds: '核验通过：{incidents} 起事件的 {events} 个事件全部重新计算一致，链头、摘要与封印相符。',
  broken: '核验未通过：发现 {count} 处问题。',
  unreadable: '无法读取该文件：{detail}',
  notJson: '文件不是有效的 JSON（{detail}）。任何一个字节被改动都可能导致这种情况。',
  notAPack: '该文件不是证据包（缺少 format 字段或其值不对）。',
  unknownVersion: '该证据包的版本（{detail}）本页不认识。',
  wrongShape: '证据包结构不对：{field} 不是应有的类型。',
  problems: '问题',
  about: '证据包',
  builtAt: '生成时间',
  builtBy: '生成人',
  scope: '范围',
  scopeIncidents: '指定的 {count} 起事件',
  scopePeriod: '{region} 辖区 {from} 至 {to} 接报的事件',
  persons: '责任人说明',
  personsNote:
    '责任人为各项职责期限届满时在岗的人员及当时值班表上的值班人员，取自人员名录的历史记录（见各职责的 personsAt 与 directorySince）。',
  personsNoteAtBuild:
    '责任人按生成证据包时人员名录所载列出；该证据包生成时名录不保存历史，期限之后的岗位变动不会反映在此。',
  seal: '封印值（请登记于检查记录）',
  sealRecomputed: '重新计算的封印值',
  digestRoot: '摘要根',
  recordedMatchesSeal: '与登记的值一致（封印值）。',
  recordedMatchesRoot: '与登记的值一致（摘要根）。',
  incident: '事件 {id}',
  incidentRegion: '行政区划 {region}',
  chainHolds: '哈希链完整：{events} 个事件，与链头一致。',
  chainBroken: '哈希链在第 {seq} 个事件处断开。',
  events: '事件日志',
  seq: '序号',
  type: '类型',
  at: '时间',
  storedHash: '存储的哈希',
  recomputedHash: '重新计算的哈希',
  status: '结果',
  statusHolds: '✓ 一致',
  statusBroken: '✗ 断开：{reason}',
  statusAfter: '— 在断点之后',
  duties: '报送职责与责任人',
  duty: '职责',
  office: '单位',
  deadline: '期限',
  dutyStatus: '状态',
  firstResponsible: '第一责任人',
  directlyResponsible: '直接责任人',
  onDuty: '期限时值班人员',
  nobody: '（名录无记录）',
  'reason.sequence-gap': '序号不连续',
  'reason.prev-hash-mismatch': '与前一事件的哈希不衔接',
  'reason.hash-mismatch': '内容与哈希不符（内容被改动）',
  'reason.missing-events': '日志末尾缺少事件',
  'reason.head-mismatch': '日志结尾与链头不符',
  'duty.unitToCounty': '报告单位报县级',
  'duty.countyToCity': '县级报市级',
  'duty.cityToProvince': '市级报省级',
  'duty.provinceToNational': '省级报国家',
  'duty.publicHealthProvinceToNational': '省级报国家（突发公共卫生事件）',
  'duty.skipLevelPhone': '越级电话报国家值班室',
  'duty.skipLevelWritten': '越级书面报国家值班室',
  'duty.naturalDisasterDirect': '自然灾害直报',
  'duty.correction': '退回后报送更正',
  'status.pending': '待履行',
  'status.met': '已履行',
  'status.missed': '已逾期未履行',
  'status.waived': '已免除',
  'problem.chain-broken.sequence-gap': '事件 {id} 第 {seq} 个事件：序号不连续，事件被删除、插入或调换了顺序。',
  'problem.chain-broken.prev-hash-mismatch':
    '事件 {id} 第 {seq} 个事件：记录的前一哈希与第 {prev} 个事件的哈希不符，日志被改动。',
  'problem.chain-broken.hash-mismatch': '事件 {id} 第 {seq} 个事件：内容重新计算的哈希与存储的哈希不符，该事件被改动。',
  'problem.chain-broken.missing-events': '事件 {id}：链头记载的事件比日志多，第 {seq} 个事件起的日志末尾被删除。',
  'problem.chain-broken.head-mismatch': '事件 {id}：日志结束于第 {seq} 个事件，但链头所载不同，链头或日志末尾被改动。',
  'problem.anchor-missing-events':
    '事件 {id}：摘要记载日志至第 {seq} 个事件，但证据包中的日志没有该事件，日志末尾被截去。',
  'problem.anchor-mismatch': '事件 {id}：摘要记载的第 {seq} 个事件哈希与证据包中的不同，日志连同链头被重写。',
  'problem.incident-missing': '事件 {id}：摘要记载了它（至第 {seq} 个事件），但证据包中没有，它被删除了。',
  'problem.incident-not-in-digest': '事件 {id}：证据包中有它，但摘要没有记载，它是后来加入的。',
  'problem.digest-root-mismatch': '摘要根不能重新计算得出：摘要被改动。',
  'problem.seal-mismatch': '封印值不能重新计算得出：证据包被改动（可能是生成信息、范围、职责或责任人）。',
  'problem.recorded-value-differs':
    '登记的值 {recorded} 既不是本证据包的封印值，也不是摘要根：这不是当时登记的那个证据包。',
  'problem.attachment-mismatched':
    '事件 {id}：第 {seq} 个事件所载的文件 {sha256} 在生成证据包时，存储中的内容已与其哈希不符，文件被改动。',
  'problem.attachment-content-mismatch': '事件 {id}：证据包所附文件 {sha256} 的内容与其哈希不符，文件被改动。',
  'problem.attachment-not-named': '事件 {id}：证据包列出的文件 {sha256} 不是任何报告所载的文件。',
} as const;

export type VerifierKey = keyof typeof zh;

const en: Record<VerifierKey, string> = {
  title: 'Evidence pack verifier',
  intro:
    'This page checks an evidence pack on its own, in this browser: it recomputes the SHA-256 hash of every event and checks the hash chains, the heads, the jurisdiction digest and the seal. It connects to no server and no network; the file never leaves this computer.',
  switchLang: '中文',
  file: 'Evidence pack file (.json)',
  recorded: 'Seal or digest root written in the inspection record (optional)',
  recordedHint: 'When given, it is compared with the seal recomputed from this pack.',
  verify: 'Verify',
  working: 'Verifying…',
  holds:
    'Verified: all {events} events of {incidents} incidents recompute to their hashes, and the heads, the digest and the seal agree.',
  broken: 'Not verified: {count} problems found.',
  unreadable: 'The file cannot be read: {detail}',
  notJson: 'The file is not valid JSON ({detail}). A change to any single byte can do this.',
  notAPack: 'The file is not an evidence pack (its format field is missing or wrong).',
  unknownVersion: 'This page does not know version {detail} of the evidence pack.',
  wrongShape: 'The evidence pack is malformed: {field} is not of the kind it must be.',
  problems: 'Problems',
  about: 'The pack',
  builtAt: 'Built at',
  builtBy: 'Built by',
  scope: 'Covers',
  scopeIncidents: '{count} incidents named',
  scopePeriod: 'the incidents of {region} received from {from} to {to}',
  persons: 'Persons named',
  personsNote:
    'The persons responsible are those who held the posts and were on the duty roster at each duty’s deadline, from the officer directory’s history (personsAt and directorySince on each duty).',
  personsNoteAtBuild:
    'The persons responsible are as the officer directory held them when the pack was built; when it was built the directory kept no history, so a change of post after a deadline is not shown.',
  seal: 'Seal (write it in the inspection record)',
  sealRecomputed: 'Seal recomputed',
  digestRoot: 'Digest root',
  recordedMatchesSeal: 'Matches the value recorded (the seal).',
  recordedMatchesRoot: 'Matches the value recorded (the digest root).',
  incident: 'Incident {id}',
  incidentRegion: 'Region {region}',
  chainHolds: 'The hash chain holds: {events} events, ending where the head says.',
  chainBroken: 'The hash chain breaks at event {seq}.',
  events: 'Event log',
  seq: 'Seq',
  type: 'Type',
  at: 'Time',
  storedHash: 'Stored hash',
  recomputedHash: 'Recomputed hash',
  status: 'Result',
  statusHolds: '✓ holds',
  statusBroken: '✗ broken: {reason}',
  statusAfter: '— after the break',
  duties: 'Duties and the persons responsible',
  duty: 'Duty',
  office: 'Office',
  deadline: 'Deadline',
  dutyStatus: 'Status',
  firstResponsible: 'First responsible',
  directlyResponsible: 'Directly responsible',
  onDuty: 'On duty at the deadline',
  nobody: '(none on record)',
  'reason.sequence-gap': 'sequence numbers do not follow',
  'reason.prev-hash-mismatch': 'does not link to the hash of the event before',
  'reason.hash-mismatch': 'content does not match its hash (the event was changed)',
  'reason.missing-events': 'events are missing at the end of the log',
  'reason.head-mismatch': 'the log does not end where its head says',
  'duty.unitToCounty': 'unit to county',
  'duty.countyToCity': 'county to city',
  'duty.cityToProvince': 'city to province',
  'duty.provinceToNational': 'province to national',
  'duty.publicHealthProvinceToNational': 'province to national (public health)',
  'duty.skipLevelPhone': 'skip-level phone call to the national duty office',
  'duty.skipLevelWritten': 'skip-level written report to the national duty office',
  'duty.naturalDisasterDirect': 'natural disaster direct report',
  'duty.correction': 'correction after a return',
  'status.pending': 'pending',
  'status.met': 'met',
  'status.missed': 'missed',
  'status.waived': 'waived',
  'problem.chain-broken.sequence-gap':
    'Incident {id}, event {seq}: the sequence numbers do not follow — an event was removed, inserted or moved.',
  'problem.chain-broken.prev-hash-mismatch':
    'Incident {id}, event {seq}: the hash it names as its predecessor is not the hash of event {prev} — the log was changed.',
  'problem.chain-broken.hash-mismatch':
    'Incident {id}, event {seq}: its content recomputes to a different hash than the one stored — this event was changed.',
  'problem.chain-broken.missing-events':
    'Incident {id}: the head records more events than the log holds — the log’s end from event {seq} was removed.',
  'problem.chain-broken.head-mismatch':
    'Incident {id}: the log ends at event {seq}, but the head says otherwise — the head or the log’s end was changed.',
  'problem.anchor-missing-events':
    'Incident {id}: the digest recorded its log up to event {seq}, which the pack no longer holds — the log’s end was cut off.',
  'problem.anchor-mismatch':
    'Incident {id}: the digest recorded event {seq} with another hash than the pack holds — the log was rewritten, head and all.',
  'problem.incident-missing':
    'Incident {id}: the digest records it (up to event {seq}), but the pack does not hold it — it was taken out.',
  'problem.incident-not-in-digest':
    'Incident {id}: the pack holds it, but the digest does not record it — it was added.',
  'problem.digest-root-mismatch': 'The digest’s root does not recompute: the digest was changed.',
  'problem.seal-mismatch':
    'The seal does not recompute: the pack was changed (perhaps when or by whom it was built, what it covers, or the duties and persons named).',
  'problem.recorded-value-differs':
    'The value recorded, {recorded}, is neither this pack’s seal nor its digest root: this is not the pack that was recorded.',
  'problem.attachment-mismatched':
    'Incident {id}: when the pack was built, storage held other bytes than the hash event {seq} names for file {sha256}: the file was changed.',
  'problem.attachment-content-mismatch':
    'Incident {id}: the bytes the pack carries for file {sha256} do not hash to it: the file was changed.',
  'problem.attachment-not-named': 'Incident {id}: the pack lists file {sha256}, which no report names.',
};

export const catalogues: Readonly<Record<VerifierLang, Record<VerifierKey, string>>> = { 'zh-CN': zh, en };

/** A message with its `{name}` placeholders filled in. */
export const say = (lang: VerifierLang, key: VerifierKey, values: Record<string, string | number> = {}): string =>
  catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

/** A catalogue entry for a value a pack holds, or the value itself when the catalogue has none. */
export const named = (lang: VerifierLang, prefix: 'duty' | 'status', value: unknown): string => {
  const key = `${prefix}.${String(value)}`;
  return key in catalogues[lang]
    ? say(lang, key as VerifierKey)
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
};

/** A problem found in a pack, in words. */
export const problemText = (lang: VerifierLang, problem: PackProblem): string => {
  switch (problem.code) {
    case 'chain-broken':
      return say(lang, `problem.chain-broken.${problem.reason}`, {
        id: problem.incidentId,
        seq: problem.seq,
        prev: problem.seq - 1,
      });
    case 'anchor-missing-events':
    case 'anchor-mismatch':
    case 'incident-missing':
      return say(lang, `problem.${problem.code}`, { id: problem.incidentId, seq: problem.seq });
    case 'incident-not-in-digest':
      return say(lang, 'problem.incident-not-in-digest', { id: problem.incidentId });
    case 'recorded-value-differs':
      return say(lang, 'problem.recorded-value-differs', { recorded: problem.recorded });
    case 'attachment-mismatched':
      return say(lang, 'problem.attachment-mismatched', {
        id: problem.incidentId,
        seq: problem.seq,
        sha256: problem.sha256,
      });
    case 'attachment-content-mismatch':
    case 'attachment-not-named':
      return say(lang, `problem.${problem.code}`, { id: problem.incidentId, sha256: problem.sha256 });
    default:
      return say(lang, `problem.${problem.code}`);
  }
};
