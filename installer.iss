; Inno Setup script for 基层公开工作台 (gkdesk).
;
; First version: it packages a PyInstaller one-folder build found in dist\gkdesk\ (the
; PyInstaller spec and the build commands come with the packaging work). Build with:
;   iscc /DAppVersion=0.1.0 installer.iss
; The user's data (gkdesk.db, backups, attachments) lives in %LOCALAPPDATA%\gkdesk and is
; never touched by installing, upgrading or uninstalling.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; AppId is fixed for the life of the product: upgrades find the earlier install by it.
AppId={{8C4E7E1B-52D4-4C2B-9F0A-6B1E3D5A7C21}
AppName=基层公开工作台
AppVersion={#AppVersion}
AppPublisher=基层公开工作台
DefaultDirName={autopf}\gkdesk
DefaultGroupName=基层公开工作台
; Per-user install without administrator rights; the dialog offers all users as well.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=dist\installer
OutputBaseFilename=gkdesk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
UninstallDisplayName=基层公开工作台 {#AppVersion}

[Languages]
Name: "chinesesimp"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "附加快捷方式："

[Files]
Source: "dist\gkdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\基层公开工作台"; Filename: "{app}\gkdesk.exe"
Name: "{group}\卸载基层公开工作台"; Filename: "{uninstallexe}"
Name: "{autodesktop}\基层公开工作台"; Filename: "{app}\gkdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\gkdesk.exe"; Description: "启动基层公开工作台"; Flags: nowait postinstall skipifsilent
